-- teachers.date_of_birth may be null (DQT holds records without one). SQLite cannot drop NOT NULL
-- in place, so both tables are rebuilt. drizzle-kit's usual rebuild (DROP TABLE teachers under
-- PRAGMA foreign_keys=OFF) would, inside the migrator's transaction where that pragma does nothing,
-- cascade the drop to every itt_records row. Here the child is rebuilt first, pointing at the new
-- parent; renaming the parent then rewrites that reference, and nothing is cascaded.
CREATE TABLE `__new_teachers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trn` text NOT NULL,
	`first_name` text NOT NULL,
	`middle_name` text,
	`last_name` text NOT NULL,
	`date_of_birth` text,
	`email` text,
	`qts_date` text,
	`induction_status` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_teachers`("id", "trn", "first_name", "middle_name", "last_name", "date_of_birth", "email", "qts_date", "induction_status", "created_at", "updated_at") SELECT "id", "trn", "first_name", "middle_name", "last_name", "date_of_birth", "email", "qts_date", "induction_status", "created_at", "updated_at" FROM `teachers`;--> statement-breakpoint
CREATE TABLE `__new_itt_records` (
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
	FOREIGN KEY (`teacher_id`) REFERENCES `__new_teachers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_itt_records`("id", "teacher_id", "provider_ukprn", "provider_name", "programme_type", "subjects", "age_range_from", "age_range_to", "start_date", "end_date", "result", "updated_at") SELECT "id", "teacher_id", "provider_ukprn", "provider_name", "programme_type", "subjects", "age_range_from", "age_range_to", "start_date", "end_date", "result", "updated_at" FROM `itt_records`;--> statement-breakpoint
DROP TABLE `itt_records`;--> statement-breakpoint
DROP TABLE `teachers`;--> statement-breakpoint
ALTER TABLE `__new_teachers` RENAME TO `teachers`;--> statement-breakpoint
ALTER TABLE `__new_itt_records` RENAME TO `itt_records`;--> statement-breakpoint
CREATE INDEX `teachers_trn` ON `teachers` (`trn`);--> statement-breakpoint
CREATE INDEX `itt_records_teacher` ON `itt_records` (`teacher_id`);
