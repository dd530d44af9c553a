//! # kiosk
//!
//! The InsideOut kiosk's Slint UI: a thin shell over kiosk-core. It binds
//! kiosk-core's state to Slint properties and its actions to callbacks; no
//! behaviour lives here (sign-in and lockout, the session runner, attendance,
//! idle time, import and export are all kiosk-core calls).
//!
//! ## Main pieces
//! - `ui/index.slint`: the window; `ui/views/` one view per screen, each with
//!   its exported `…Adapter` global; `ui/widgets/` our big buttons and keypad;
//!   `ui/theme.slint` every colour and size. Compiled by `build.rs` into
//!   [`ui`], the only module that includes generated code.
//! - [`controller::Controller`]: owns the [`kiosk_core::Kiosk`] facade and
//!   moves between screens; [`adapters`]: one module per view, each with
//!   `connect(&window, &controller)` and `refresh`.
//! - [`init`] builds a connected window without running an event loop, so
//!   the UI tests (Slint's testing backend) and the screenshot generator drive
//!   exactly what [`run`] shows.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! // What `insideout-kiosk --demo` does:
//! kiosk::run(kiosk::Mode::Demo, None)
//! # }
//! ```
//!
//! ## Key decision
//!
//! kiosk-core's `Kiosk` sits behind a mutex so import and export can run on a
//! worker thread while the UI thread shows their progress; the UI thread only
//! ever `try_lock`s it from timers and key presses, so it never freezes.
//!
//! Only this crate knows Slint; it never opens a socket, and a prison number
//! typed on the attendance keypad is handed to kiosk-core and cleared from the
//! screen in the same callback.

#![deny(missing_docs)]

pub mod adapters;
pub mod audio;
pub mod controller;
mod notify;
pub mod ui;

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use anyhow::Context;
use kiosk_core::demo::{Demo, DEMO_PIN};
use kiosk_core::{Kiosk, SystemClock};
use slint::ComponentHandle;

use crate::adapters::Navigate;
use crate::controller::Controller;
use crate::ui::{AppWindow, Screen};

/// Where the kiosk keeps its data when no `--data-dir` is given.
pub const DEFAULT_DATA_DIR: &str = "/var/lib/insideout-kiosk";

/// Which data the UI runs on.
pub enum Mode {
    /// A provisioned kiosk's data directory.
    DataDir(PathBuf),
    /// A throw-away demo.
    Demo,
}

/// What [`init`] needs besides the kiosk.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Shown on the sign-in screen (the demo only).
    pub demo_pin: Option<String>,
}

/// The window needs a display unless Slint draws straight to the screen
/// (linuxkms, as the wing's systemd unit sets it): say so plainly, before
/// anything is made, rather than pass on winit's own error.
fn check_display() -> anyhow::Result<()> {
    let backend = std::env::var("SLINT_BACKEND").unwrap_or_default();
    let set = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
    if backend.starts_with("linuxkms")
        || ["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
            .iter()
            .any(|v| set(v))
    {
        return Ok(());
    }
    anyhow::bail!(
        "no display: the kiosk window needs an X11 or Wayland display and DISPLAY is not set; \
         run it in a desktop session, or under Xvfb (`xvfb-run cargo run --release -p kiosk -- --demo`); \
         on a wing PC the systemd unit starts it on the screen itself"
    )
}

/// Builds the window over `kiosk`, connects every adapter, shows the sign-in
/// screen and starts the once-a-second tick (idle check, clocks). Needs a
/// Slint platform (the real one, or the testing backend) but no event loop.
pub fn init(kiosk: Kiosk, options: Options) -> anyhow::Result<(AppWindow, Rc<Controller>)> {
    let window = AppWindow::new().context("could not create the kiosk window")?;
    adapters::home::apply_text_size(&window, kiosk.display());
    let controller = Controller::new(&window, kiosk, options.demo_pin);
    adapters::connect_all(&window, &controller);
    // Close requests (Alt+F4, the window manager) are refused: the kiosk
    // stays up; staff stop it through systemd.
    window.window().on_close_requested(|| {
        eprintln!("insideout-kiosk: close request refused; the kiosk stays open");
        slint::CloseRequestResponse::KeepWindowShown
    });
    controller.show(Screen::SignIn);
    controller.start_ticking(|c| c.on_tick());
    Ok((window, controller))
}

/// Opens the full-screen kiosk UI and runs until the process is stopped.
pub fn run(mode: Mode, usb_dir: Option<PathBuf>) -> anyhow::Result<()> {
    check_display()?;
    let clock = Arc::new(SystemClock);
    let (kiosk, options, _demo) = match mode {
        Mode::DataDir(dir) => {
            let kiosk = Kiosk::open(&dir, clock).with_context(|| {
                format!("could not open the kiosk data folder {}", dir.display())
            })?;
            (kiosk, Options::default(), None)
        }
        Mode::Demo => {
            let demo = Demo::create().context("could not set up the demo")?;
            let kiosk = demo.open(clock).context("could not open the demo kiosk")?;
            eprintln!(
                "insideout-kiosk: demo kiosk in {}; its USB stick is the folder {} \
                 (put .iopack files there to import them); Ctrl+C ends the demo and deletes both",
                demo.data_dir().display(),
                demo.usb_dir().display()
            );
            // Ctrl+C or SIGTERM ends the event loop, so `demo` is dropped and
            // deletes its folders (a demo killed outright is swept by the next).
            ctrlc::set_handler(|| {
                let _ = slint::invoke_from_event_loop(|| {
                    let _ = slint::quit_event_loop();
                });
            })
            .context("could not catch Ctrl+C for the demo")?;
            let options = Options {
                demo_pin: Some(DEMO_PIN.to_owned()),
            };
            // `demo` lives until the window closes, then deletes its folders.
            (kiosk, options, Some(demo))
        }
    };
    let kiosk = match usb_dir {
        Some(dir) => kiosk.with_usb_dir(dir),
        None => kiosk,
    };
    let (window, _controller) = init(kiosk, options)?;
    window.window().set_fullscreen(true);
    let _watchdog = notify::start();
    window
        .run()
        .context("the kiosk window stopped with an error")?;
    Ok(())
}
