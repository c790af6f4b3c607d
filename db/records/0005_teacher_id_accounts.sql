CREATE TABLE `identity_webhook_deliveries` (
	`webhook_id` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `teacher_id_accounts` (
	`sub` text PRIMARY KEY NOT NULL,
	`trn` text NOT NULL,
	`since` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `teacher_id_accounts_trn` ON `teacher_id_accounts` (`trn`);