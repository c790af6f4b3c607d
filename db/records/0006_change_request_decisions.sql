ALTER TABLE `change_requests` ADD `decided_by` text;--> statement-breakpoint
ALTER TABLE `change_requests` ADD `decision_reason` text;