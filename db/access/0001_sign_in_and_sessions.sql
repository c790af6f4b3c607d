CREATE TABLE `login_attempts` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`browser_hash` text NOT NULL,
	`code_verifier_sealed` text,
	`nonce_hash` text NOT NULL,
	`return_to` text NOT NULL,
	`via_trn_token` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`consumed_at` integer
);
--> statement-breakpoint
CREATE INDEX `login_attempts_expires` ON `login_attempts` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`sub` text NOT NULL,
	`trn` text,
	`name` text,
	`tokens_sealed` text NOT NULL,
	`access_token_expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);