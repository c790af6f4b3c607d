CREATE TABLE `support_cases` (
	`reference` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`answers` text NOT NULL,
	`status` text NOT NULL,
	`trn` text,
	`reason` text,
	`resolved_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `support_cases_status` ON `support_cases` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `support_cases_account` ON `support_cases` (`account_id`,`created_at`);