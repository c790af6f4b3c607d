ALTER TABLE `clients` ADD `rate_limit` integer;--> statement-breakpoint
CREATE INDEX `accounts_created` ON `accounts` (`created_at`,`id`);