//! Moving between screens: fill a view's adapter from kiosk-core and show
//! it, fall back to home with kiosk-core's message when something fails,
//! the PIN screen on a lock, and the once-a-second tick. A trait on the
//! shared controller, so adapters call `c.show(Screen::Run)` while the
//! controller itself knows no adapter.

use std::rc::Rc;

use kiosk_core::Language;
use kiosk_core::{views, IdleState, KioskError};
use slint::ComponentHandle;

use crate::controller::Controller;
use crate::ui::{AppAdapter, AppWindow, AttendanceAdapter, HomeAdapter, LanguageAdapter, Screen};

/// Moving between screens (see the module docs).
pub trait Navigate {
    /// Fills the adapter of `screen` from the kiosk and shows it.
    fn show(&self, screen: Screen);
    /// Handles an error from kiosk-core (back to the PIN screen, or home
    /// with the message).
    fn fail(&self, error: KioskError);
    /// The kiosk locked itself: the PIN screen, remembering where it was.
    fn lock_screen(&self);
    /// After a PIN: back where the kiosk locked, or to the session, or home.
    fn after_sign_in(&self, session_in_progress: bool);
    /// One tick of the once-a-second timer.
    fn on_tick(&self);
}

impl Navigate for Rc<Controller> {
    fn show(&self, screen: Screen) {
        let Some(window) = self.window() else { return };
        match fill(self, &window, screen) {
            Ok(()) => window.global::<AppAdapter>().set_screen(screen),
            Err(e) => self.fail(e),
        }
    }

    /// Handles an error from kiosk-core: back to the PIN screen if nobody is
    /// signed in any more, otherwise home with the message (kiosk-core's
    /// messages are written for staff to read as they are). If home itself
    /// cannot be filled, its message says why; this never loops.
    fn fail(&self, error: KioskError) {
        if matches!(error, KioskError::NotSignedIn) {
            self.lock_screen();
            return;
        }
        let Some(window) = self.window() else { return };
        let message = match fill(self, &window, Screen::Home) {
            Ok(()) => error.to_string(),
            Err(also) => format!("{error} ({also})"),
        };
        window.global::<AppAdapter>().set_screen(Screen::Home);
        window.global::<HomeAdapter>().set_message(message.into());
    }

    /// The kiosk locked itself: remember where we were and show the PIN
    /// screen. A prison number half typed is thrown away, not kept behind
    /// the lock.
    fn lock_screen(&self) {
        let now = self.screen();
        if now != Screen::SignIn {
            self.set_resume(now);
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
    fn after_sign_in(&self, session_in_progress: bool) {
        let next = match self.take_resume() {
            Some(screen) => screen,
            None if session_in_progress => Screen::Run,
            None => Screen::Home,
        };
        self.show(next);
    }

    /// One tick (also called by tests after moving the clock): kiosk-core's
    /// idle check (its warning over any screen, then the lock), the run
    /// screen's clocks and the notes' glance, and home noticing a stick and
    /// showing what the worker found on it.
    fn on_tick(&self) {
        let (idle, stick, language) = {
            let Some(mut kiosk) = self.try_kiosk() else {
                return;
            };
            (
                kiosk.check_idle().unwrap_or(IdleState::Active),
                kiosk.stick_present(),
                kiosk.language(),
            )
        };
        let Some(window) = self.window() else { return };
        let screen = self.screen();
        window.global::<AppAdapter>().set_idle_warning(
            views::idle_warning(idle, language)
                .unwrap_or_default()
                .into(),
        );
        if idle == IdleState::Locked && screen != Screen::SignIn {
            self.lock_screen();
            return;
        }
        match screen {
            Screen::Run => {
                if let Err(e) = super::run::refresh(&window, self) {
                    self.fail(e);
                }
            }
            Screen::Home if self.stick_changed(stick) | self.take_stick_arrival() => {
                self.show(Screen::Home)
            }
            Screen::SignIn => super::sign_in::refresh_lockout(&window, self),
            _ => {}
        }
    }
}

/// Fills the adapter of `screen` from the kiosk.
fn fill(c: &Controller, window: &AppWindow, screen: Screen) -> Result<(), KioskError> {
    speak(window, c.kiosk().language());
    // Reading aloud stops on leaving its screen.
    if c.reading().is_some_and(|(on, _)| on != screen) {
        c.stop_reading();
    }
    match screen {
        Screen::SignIn => super::sign_in::refresh(window, c),
        Screen::Home => super::home::refresh(window, c),
        Screen::Choose => {
            super::choose::refresh(window, c);
            Ok(())
        }
        Screen::Run => super::run::refresh(window, c),
        Screen::Tools => super::tool::refresh_picker(window, c),
        Screen::Tool => super::tool::refresh(window, c),
        Screen::Attendance => {
            super::attendance::refresh(window, c);
            Ok(())
        }
        Screen::Finish => super::finish::refresh(window, c),
        // The transfer screen is filled by whoever starts the work.
        Screen::Transfer => Ok(()),
        Screen::ConfirmExport => {
            super::transfer::refresh_confirm(window, c);
            Ok(())
        }
    }
}

/// Makes the screen's own words (`@tr`) those of `language`, and offers
/// the other language on the switch.
pub fn speak(window: &AppWindow, language: Language) {
    let adapter = window.global::<LanguageAdapter>();
    if adapter.get_language() != language.code() {
        // Only fails for a language the UI has no catalogue for; the test
        // of the catalogue makes sure every one has.
        let _ = slint::select_bundled_translation(language.code());
        adapter.set_language(language.code().into());
    }
    adapter.set_other(other(language).name().into());
}

/// The language the switch offers: the next one after `language`.
pub fn other(language: Language) -> Language {
    let all = Language::ALL;
    let i = all.iter().position(|l| *l == language).unwrap_or(0);
    all[(i + 1) % all.len()]
}
