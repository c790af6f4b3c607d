CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`occurred_at` integer NOT NULL,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`subject` text,
	`payload` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_subject` ON `events` (`subject`,`id`);--> statement-breakpoint
CREATE INDEX `events_type` ON `events` (`type`,`id`);--> statement-breakpoint
ALTER TABLE `clients` ADD `rate_limit` integer;--> statement-breakpoint
CREATE INDEX `accounts_created` ON `accounts` (`created_at`,`id`);