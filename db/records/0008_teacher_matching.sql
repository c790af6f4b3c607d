ALTER TABLE `teachers` ADD `national_insurance_number` text;--> statement-breakpoint
ALTER TABLE `teachers` ADD `previous_last_names` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE INDEX `teachers_date_of_birth` ON `teachers` (`date_of_birth`);