//! Rebuilds the crate when a migration is added: `embed_migrations!` reads the folder at compile
//! time, and cargo only tracks the files it already included (diesel's documented fix).

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
