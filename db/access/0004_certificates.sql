CREATE TABLE `certificates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code_hash` text NOT NULL,
	`sub` text NOT NULL,
	`trn` text NOT NULL,
	`kind` text NOT NULL,
	`qualification_id` integer,
	`holder_name` text NOT NULL,
	`qualification_name` text NOT NULL,
	`awarded_date` text NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `certificates_code_hash_unique` ON `certificates` (`code_hash`);--> statement-breakpoint
CREATE INDEX `certificates_sub` ON `certificates` (`sub`);