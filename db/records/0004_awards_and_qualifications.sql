CREATE TABLE `qualifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`teacher_id` integer NOT NULL,
	`kind` text NOT NULL,
	`type` text NOT NULL,
	`provider_name` text,
	`status` text NOT NULL,
	`start_date` text,
	`awarded_date` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `qualifications_teacher_kind_type` ON `qualifications` (`teacher_id`,`kind`,`type`);--> statement-breakpoint
ALTER TABLE `teachers` ADD `qts_route` text;--> statement-breakpoint
ALTER TABLE `teachers` ADD `eyts_date` text;--> statement-breakpoint
ALTER TABLE `teachers` ADD `induction_start_date` text;--> statement-breakpoint
ALTER TABLE `teachers` ADD `induction_completed_date` text;