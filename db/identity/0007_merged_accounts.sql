CREATE TABLE `merged_accounts` (
	`sub` text PRIMARY KEY NOT NULL,
	`merged_into_sub` text NOT NULL,
	`email_hash` text NOT NULL,
	`merged_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `merged_accounts_email` ON `merged_accounts` (`email_hash`,`merged_at`);--> statement-breakpoint
-- A merged account's sub is never issued again.
CREATE TRIGGER `accounts_sub_not_merged` BEFORE INSERT ON `accounts` WHEN EXISTS (SELECT 1 FROM `merged_accounts` WHERE `sub` = NEW.`id`) BEGIN SELECT RAISE(ABORT, 'this sub belonged to a merged account'); END;
