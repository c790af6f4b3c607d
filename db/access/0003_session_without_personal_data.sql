ALTER TABLE `sessions` DROP COLUMN `trn`;--> statement-breakpoint
ALTER TABLE `sessions` DROP COLUMN `name`;