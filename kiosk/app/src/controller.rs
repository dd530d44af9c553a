//! The [`Controller`]: what every adapter shares. It owns the kiosk-core
//! facade (behind a mutex, so import and export can run on a worker thread),
//! the weak window handle, and the little state that belongs to the screen
//! only: which screen to come back to after an idle lock, which tool is open,
//! and whether a USB stick was in at the last look.
//!
//! It decides nothing about the kiosk's behaviour: sign-in, lockout, the
//! session runner, attendance, idle time, import and export are all
//! kiosk-core calls. It only moves between screens and fills adapters.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use kiosk_core::{views, IdleState, Kiosk, KioskError};
use slint::{ComponentHandle, Timer, TimerMode};

use crate::adapters;
use crate::ui::{AppAdapter, AppWindow, AttendanceAdapter, HomeAdapter, Screen};

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

    /// Fills the adapter of `screen` from the kiosk and shows it.
    pub fn show(self: &Rc<Self>, screen: Screen) {
        let Some(window) = self.window() else { return };
        match self.fill(&window, screen) {
            Ok(()) => window.global::<AppAdapter>().set_screen(screen),
            Err(e) => self.fail(e),
        }
    }

    fn fill(&self, window: &AppWindow, screen: Screen) -> Result<(), KioskError> {
        match screen {
            Screen::SignIn => adapters::sign_in::refresh(window, self),
            Screen::Home => adapters::home::refresh(window, self),
            Screen::Choose => {
                adapters::choose::refresh(window, self);
                Ok(())
            }
            Screen::Run => adapters::run::refresh(window, self),
            Screen::Tools => adapters::tool::refresh_picker(window, self),
            Screen::Tool => adapters::tool::refresh(window, self),
            Screen::Attendance => {
                adapters::attendance::refresh(window, self);
                Ok(())
            }
            Screen::Finish => adapters::finish::refresh(window, self),
            // The transfer screen is filled by whoever starts the work.
            Screen::Transfer => Ok(()),
        }
    }

    /// Handles an error from kiosk-core: back to the PIN screen if nobody is
    /// signed in any more, otherwise home with the message (kiosk-core's
    /// messages are written for staff to read as they are). If home itself
    /// cannot be filled, its message says why; this never loops.
    pub fn fail(self: &Rc<Self>, error: KioskError) {
        if matches!(error, KioskError::NotSignedIn) {
            self.lock_screen();
            return;
        }
        let Some(window) = self.window() else { return };
        let message = match self.fill(&window, Screen::Home) {
            Ok(()) => error.to_string(),
            Err(also) => format!("{error} ({also})"),
        };
        window.global::<AppAdapter>().set_screen(Screen::Home);
        window.global::<HomeAdapter>().set_message(message.into());
    }

    /// The kiosk locked itself: remember where we were and show the PIN
    /// screen. A prison number half typed is thrown away, not kept behind
    /// the lock.
    pub fn lock_screen(self: &Rc<Self>) {
        let now = self.screen();
        if now != Screen::SignIn {
            self.resume.set(Some(now));
        }
        if let Some(window) = self.window() {
            let attendance = window.global::<AttendanceAdapter>();
            attendance.set_entry("".into());
            attendance.set_pending(false);
        }
        self.show(Screen::SignIn);
    }

    /// After a PIN: back where the kiosk locked, or to the session in
    /// progress, or home.
    pub fn after_sign_in(self: &Rc<Self>, session_in_progress: bool) {
        let next = match self.resume.take() {
            Some(screen) => screen,
            None if session_in_progress => Screen::Run,
            None => Screen::Home,
        };
        self.show(next);
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

    /// Starts the once-a-second timer: kiosk-core's idle check, and the
    /// clocks on the run and sign-in screens.
    pub fn start_ticking(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        self.tick.start(TimerMode::Repeated, TICK, move || {
            if let Some(controller) = weak.upgrade() {
                controller.on_tick();
            }
        });
    }

    /// One tick (also called by tests after moving the clock): kiosk-core's
    /// idle check (its warning over any screen, then the lock), the run
    /// screen's clocks and the notes' glance, and home noticing a stick.
    pub fn on_tick(self: &Rc<Self>) {
        let (idle, stick) = {
            let Some(mut kiosk) = self.try_kiosk() else {
                return;
            };
            (
                kiosk.check_idle().unwrap_or(IdleState::Active),
                kiosk.stick_present(),
            )
        };
        let Some(window) = self.window() else { return };
        let screen = self.screen();
        window
            .global::<AppAdapter>()
            .set_idle_warning(views::idle_warning(idle).unwrap_or_default().into());
        if idle == IdleState::Locked && screen != Screen::SignIn {
            self.lock_screen();
            return;
        }
        match screen {
            Screen::Run => {
                if let Err(e) = adapters::run::refresh(&window, self) {
                    self.fail(e);
                }
            }
            Screen::Home if self.stick_changed(stick) => self.show(Screen::Home),
            Screen::SignIn => adapters::sign_in::refresh_lockout(&window, self),
            _ => {}
        }
    }
}
