//! Integration tests: the real server on a free port, a fresh PostgreSQL database per test.

mod helpers;

mod accounts;
mod authorization;
mod back_office_refunds;
mod back_office_stock;
mod back_office_team;
mod backups;
mod catalog;
mod fake_algolia;
mod fake_smtp;
mod menu;
mod menu_editing;
mod operations;
mod order_placement;
mod orders;
mod orders_concurrency;
mod payments;
mod problems;
mod product_images;
mod report_rollups;
mod reports;
mod search;
mod search_algolia;
mod search_cache;
mod shop_closures;
mod shop_floor;
mod staff;
mod telemetry;
mod throttling;
mod tokens;
