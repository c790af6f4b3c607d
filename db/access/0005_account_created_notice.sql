ALTER TABLE `certificates` ADD `size_bytes` integer;--> statement-breakpoint
ALTER TABLE `login_attempts` ADD `create_account` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `account_created_notice` integer DEFAULT false NOT NULL;