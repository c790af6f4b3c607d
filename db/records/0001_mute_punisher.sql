CREATE TABLE `itt_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`teacher_id` integer NOT NULL,
	`provider_ukprn` text NOT NULL,
	`provider_name` text NOT NULL,
	`programme_type` text,
	`subjects` text DEFAULT '[]' NOT NULL,
	`age_range_from` integer,
	`age_range_to` integer,
	`start_date` text,
	`end_date` text,
	`result` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `itt_records_teacher` ON `itt_records` (`teacher_id`);--> statement-breakpoint
CREATE TABLE `teachers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trn` text NOT NULL,
	`first_name` text NOT NULL,
	`middle_name` text,
	`last_name` text NOT NULL,
	`date_of_birth` text NOT NULL,
	`email` text,
	`qts_date` text,
	`induction_status` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `teachers_trn` ON `teachers` (`trn`);