//! Compiles `ui/index.slint` into Rust. Debug info is always compiled in:
//! the UI tests find elements by accessible label, which only works with it,
//! and it costs nothing measurable at run time.

fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-dark".into())
        .with_debug_info(true);
    slint_build::compile_with_config("ui/index.slint", config).expect("the Slint UI compiles");
}
