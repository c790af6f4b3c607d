CREATE TABLE `account_changes` (
	`session_id_hash` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text,
	`stage` text NOT NULL,
	`code_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`session_id_hash`) REFERENCES `sessions`(`id_hash`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_changes_expiry` ON `account_changes` (`expires_at`);--> statement-breakpoint
CREATE TABLE `deleted_accounts` (
	`sub` text PRIMARY KEY NOT NULL,
	`deleted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`time` integer NOT NULL,
	`actor` text NOT NULL,
	`subject` text NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_subject` ON `events` (`subject`,`time`);--> statement-breakpoint
CREATE INDEX `grants_account` ON `grants` (`account_id`,`client_id`);--> statement-breakpoint
-- Added by hand (drizzle-kit does not write triggers). The audit log is append-only.
CREATE TRIGGER `events_no_update` BEFORE UPDATE ON `events` BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;--> statement-breakpoint
CREATE TRIGGER `events_no_delete` BEFORE DELETE ON `events` BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;--> statement-breakpoint
-- A deleted account's sub is never issued again.
CREATE TRIGGER `accounts_sub_not_tombstoned` BEFORE INSERT ON `accounts` WHEN EXISTS (SELECT 1 FROM `deleted_accounts` WHERE `sub` = NEW.`id`) BEGIN SELECT RAISE(ABORT, 'this sub belonged to a deleted account'); END;
