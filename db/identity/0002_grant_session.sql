ALTER TABLE `grants` ADD `session_id_hash` text;--> statement-breakpoint
CREATE INDEX `grants_session` ON `grants` (`session_id_hash`);