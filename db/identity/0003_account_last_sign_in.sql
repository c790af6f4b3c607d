ALTER TABLE `accounts` ADD `last_signed_in_at` integer;--> statement-breakpoint
-- Accounts that signed in before this column existed: their latest session that is still stored (sessions are deleted on sign-out).
UPDATE `accounts` SET `last_signed_in_at` = (SELECT max(`auth_time`) FROM `sessions` WHERE `sessions`.`account_id` = `accounts`.`id`);
