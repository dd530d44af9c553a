//! Compiles `ui/index.slint` into Rust, with the Welsh catalogue
//! (`../lang/cy/LC_MESSAGES/kiosk.po`) bundled in: the screens' `@tr` words,
//! without Slint's per-component context, so one catalogue entry serves a
//! word wherever it appears (and kiosk-core's view-models read the same
//! file). Debug info is always compiled in: the UI tests find elements by
//! accessible label, which only works with it, and it costs nothing
//! measurable at run time.

fn main() {
    println!("cargo:rerun-if-changed=../lang");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-dark".into())
        .with_bundled_translations("../lang")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None)
        .with_debug_info(true);
    slint_build::compile_with_config("ui/index.slint", config).expect("the Slint UI compiles");
}
