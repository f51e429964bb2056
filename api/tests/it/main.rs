//! Integration tests: the real server on a free port, a fresh PostgreSQL database per test.

mod helpers;

mod accounts;
mod authorization;
mod catalog;
mod operations;
mod orders;
mod orders_concurrency;
mod payments;
mod problems;
mod staff;
mod tokens;
