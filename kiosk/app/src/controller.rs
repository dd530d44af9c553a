//! The [`Controller`]: what every adapter shares. It owns the kiosk-core
//! facade (behind a mutex, so import and export can run on a worker thread),
//! the weak window handle, and the little state that belongs to the screen
//! only: which screen to come back to after an idle lock, which tool is open,
//! and whether a USB stick was in at the last look.
//!
//! It decides nothing about the kiosk's behaviour: sign-in, lockout, the
//! session runner, attendance, idle time, import and export are all
//! kiosk-core calls. Moving between screens is `adapters::Navigate`'s; this
//! module knows no adapter.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use kiosk_core::Kiosk;
use slint::{ComponentHandle, Timer, TimerMode};

use crate::ui::{AppAdapter, AppWindow, Screen};

/// How often the clocks on screen and the idle check are refreshed.
pub const TICK: Duration = Duration::from_secs(1);

/// Shared by every adapter's callbacks (see the module docs).
pub struct Controller {
    kiosk: Arc<Mutex<Kiosk>>,
    window: slint::Weak<AppWindow>,
    /// The screen showing when the kiosk locked itself.
    resume: Cell<Option<Screen>>,
    /// The tool showing on the tool screen.
    open_tool: RefCell<Option<String>>,
    /// Whether a USB stick was in when home was last filled.
    stick_seen: Cell<Option<bool>>,
    /// The phase picture last decoded, with its SVG bytes (the run screen
    /// is refilled every second; each picture is decoded once).
    picture: RefCell<Option<(Vec<u8>, slint::Image)>>,
    /// Set while import or export runs on the worker thread.
    busy: Arc<std::sync::atomic::AtomicBool>,
    /// The demo facilitator's PIN, shown on the sign-in screen in `--demo`.
    demo_pin: Option<String>,
    tick: Timer,
}

impl Controller {
    /// A controller for `window` over `kiosk`.
    pub fn new(window: &AppWindow, kiosk: Kiosk, demo_pin: Option<String>) -> Rc<Controller> {
        Rc::new(Controller {
            kiosk: Arc::new(Mutex::new(kiosk)),
            window: window.as_weak(),
            resume: Cell::new(None),
            open_tool: RefCell::new(None),
            stick_seen: Cell::new(None),
            picture: RefCell::new(None),
            busy: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            demo_pin,
            tick: Timer::default(),
        })
    }

    /// The kiosk, locked for one call. A worker that panicked cannot leave
    /// the kiosk half-changed (kiosk-core commits before it adopts a state),
    /// so a poisoned lock is safe to take over.
    pub fn kiosk(&self) -> MutexGuard<'_, Kiosk> {
        self.kiosk.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kiosk if no worker holds it (for timers and key presses, which
    /// must never block the UI thread).
    pub fn try_kiosk(&self) -> Option<MutexGuard<'_, Kiosk>> {
        if self.is_busy() {
            return None;
        }
        self.kiosk.try_lock().ok()
    }

    /// The shared kiosk, for a worker thread.
    pub fn shared_kiosk(&self) -> Arc<Mutex<Kiosk>> {
        self.kiosk.clone()
    }

    /// The busy flag a worker clears when it is done.
    pub fn busy_flag(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.busy.clone()
    }

    /// Whether import or export is running.
    pub fn is_busy(&self) -> bool {
        self.busy.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The window, if it still exists.
    pub fn window(&self) -> Option<AppWindow> {
        self.window.upgrade()
    }

    /// The demo PIN, if this is the demo.
    pub fn demo_pin(&self) -> Option<&str> {
        self.demo_pin.as_deref()
    }

    /// The screen showing now.
    pub fn screen(&self) -> Screen {
        self.window()
            .map(|w| w.global::<AppAdapter>().get_screen())
            .unwrap_or(Screen::SignIn)
    }

    /// Remembers the screen to come back to after the PIN.
    pub fn set_resume(&self, screen: Screen) {
        self.resume.set(Some(screen));
    }

    /// The screen to come back to after the PIN, forgotten as it is read.
    pub fn take_resume(&self) -> Option<Screen> {
        self.resume.take()
    }

    /// Forgets where to resume (after sign-out).
    pub fn forget_resume(&self) {
        self.resume.set(None);
    }

    /// The tool showing on the tool screen.
    pub fn open_tool(&self) -> Option<String> {
        self.open_tool.borrow().clone()
    }

    /// Sets the tool the tool screen shows.
    pub fn set_open_tool(&self, id: Option<String>) {
        *self.open_tool.borrow_mut() = id;
    }

    /// `svg` decoded, unless it is the picture decoded last time; `None` if
    /// it does not decode (it is then simply not shown). Keyed by the bytes,
    /// not the pack path, so a new pack's picture at the same path shows.
    pub fn picture(&self, svg: Vec<u8>) -> Option<slint::Image> {
        let mut last = self.picture.borrow_mut();
        if let Some((bytes, image)) = last.as_ref() {
            if *bytes == svg {
                return Some(image.clone());
            }
        }
        let image = slint::Image::load_from_svg_data(&svg).ok()?;
        *last = Some((svg, image.clone()));
        Some(image)
    }

    /// Remembers whether a stick was in; `true` if that changed.
    pub fn stick_changed(&self, present: bool) -> bool {
        self.stick_seen.replace(Some(present)) != Some(present)
    }

    /// Any touch or key press: kiosk-core restarts its idle time.
    pub fn activity(&self) {
        if let Some(mut kiosk) = self.try_kiosk() {
            kiosk.touch();
        }
    }

    /// Starts the once-a-second timer, calling `tick` with the controller.
    pub fn start_ticking(self: &Rc<Self>, tick: fn(&Rc<Controller>)) {
        let weak = Rc::downgrade(self);
        self.tick.start(TimerMode::Repeated, TICK, move || {
            if let Some(controller) = weak.upgrade() {
                tick(&controller);
            }
        });
    }
}
