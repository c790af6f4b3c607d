ALTER TABLE `teachers` ADD `date_of_birth_provenance` text DEFAULT 'dqt' NOT NULL;--> statement-breakpoint
ALTER TABLE `teachers` ADD `date_of_birth_given_at` integer;