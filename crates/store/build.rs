// `sqlx::migrate!` embeds the migrations when this crate compiles; without this, adding a
// migration file would not rebuild it (what sqlx's `migrate build-script` generates).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
