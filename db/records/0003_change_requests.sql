CREATE TABLE `change_request_evidence` (
	`change_request_id` integer PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`media_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`content` blob NOT NULL,
	FOREIGN KEY (`change_request_id`) REFERENCES `change_requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `change_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reference` text NOT NULL,
	`teacher_id` integer NOT NULL,
	`type` text NOT NULL,
	`requested_first_name` text,
	`requested_middle_name` text,
	`requested_last_name` text,
	`requested_date_of_birth` text,
	`status` text DEFAULT 'open' NOT NULL,
	`requested_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `change_requests_reference_unique` ON `change_requests` (`reference`);--> statement-breakpoint
CREATE INDEX `change_requests_teacher_status` ON `change_requests` (`teacher_id`,`status`);