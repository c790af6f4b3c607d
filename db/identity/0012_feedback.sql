CREATE TABLE `feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`service` text,
	`text` text NOT NULL,
	`created_at` integer NOT NULL
);
