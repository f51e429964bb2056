//! OC Pizza: the ordering and management system of a chain of pizzerias.
//!
//! Business areas (`accounts`, `shops`, `catalog`, `search`…) each hold their models, rules and HTTP
//! handlers; `config`, `db`, `error`, `auth`, `http` are the shared plumbing, `address` the shared domain
//! types of a postal address.

pub mod accounts;
pub mod address;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod catalog;
pub mod cidr;
pub mod cli;
pub mod client_ip;
pub mod config;
pub mod db;
pub mod error;
pub mod http;
pub mod inventory;
pub mod live;
pub mod mail;
pub mod maintenance;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod orders;
pub mod payments;
pub mod reports;
pub mod routes;
pub mod schema;
pub mod schema_views;
pub mod search;
pub mod seed;
pub mod shops;
pub mod startup;
pub mod state;
pub mod states;
pub mod text_enum;
