//! The [`Controller`]: what every adapter shares. It owns the kiosk-core
//! facade (behind a mutex, so import and export can run on a worker thread),
//! the weak window handle, and the little state that belongs to the screen
//! only: which screen to come back to after an idle lock, which tool is open,
//! whether a USB stick was in at the last look and what a worker thread
//! found on it.
//!
//! It decides nothing about the kiosk's behaviour: sign-in, lockout, the
//! session runner, attendance, idle time, import and export are all
//! kiosk-core calls. Moving between screens is `adapters::Navigate`'s; this
//! module knows no adapter.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use kiosk_core::views::{ReadAloud, ReadInTurn};
use kiosk_core::{Kiosk, PackOffer, StickScan};
use slint::{ComponentHandle, Timer, TimerMode};

use crate::audio::{AudioError, Speaker};
use crate::ui::{AppAdapter, AppWindow, Screen};

/// How often the clocks on screen and the idle check are refreshed.
pub const TICK: Duration = Duration::from_secs(1);

/// How often the sentence being read aloud is looked up while it reads.
pub const READING_TICK: Duration = Duration::from_millis(100);

/// The packs on the stick, checked by a worker thread (opening every pack on
/// a stick must never hold up the screen).
#[derive(Default)]
struct StickCheck {
    /// Bumped whenever what was checked is no longer the stick's state (a
    /// stick in or out): a worker's late result for an older one is dropped.
    generation: u64,
    /// The result, and the programme version installed when it was made (a
    /// new programme changes which packs can be installed).
    offers: Option<(Option<u64>, Vec<PackOffer>)>,
    running: bool,
    /// A result came that home has not shown yet.
    arrived: bool,
}

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
    stick_check: Arc<Mutex<StickCheck>>,
    /// The phase picture last decoded, with its SVG bytes (the run screen
    /// is refilled every second; each picture is decoded once).
    picture: RefCell<Option<(Vec<u8>, slint::Image)>>,
    /// Set while import or export runs on the worker thread.
    busy: Arc<std::sync::atomic::AtomicBool>,
    /// The demo facilitator's PIN, shown on the sign-in screen in `--demo`.
    demo_pin: Option<String>,
    tick: Timer,
    /// Read aloud: the speaker, what it is reading, and the quick timer
    /// that moves the highlight while it reads.
    speaker: RefCell<Speaker>,
    reading: RefCell<Option<Reading>>,
    reading_tick: Timer,
}

/// How a screen shows how far Read aloud has got: the place of the text
/// and its sentence being read, or `None` when reading stops.
pub type ShowReading = Box<dyn Fn(&AppWindow, Option<(usize, usize)>)>;

/// What is being read aloud, on which screen.
struct Reading {
    screen: Screen,
    turn: ReadInTurn,
    show: ShowReading,
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
            stick_check: Arc::default(),
            picture: RefCell::new(None),
            busy: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            demo_pin,
            tick: Timer::default(),
            speaker: RefCell::default(),
            reading: RefCell::new(None),
            reading_tick: Timer::default(),
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

    /// Starts reading `parts` (each with its place on `screen` and its
    /// recording, in order) at `volume`, stopping what was read; `show` is
    /// told the text and sentence being read as it goes, and `None` at
    /// the end.
    pub fn read_aloud(
        self: &Rc<Self>,
        screen: Screen,
        parts: Vec<(usize, ReadAloud)>,
        recordings: Vec<Vec<u8>>,
        volume: u8,
        show: ShowReading,
    ) -> Result<(), AudioError> {
        self.stop_reading();
        let lengths = self.speaker.borrow_mut().play(recordings, volume)?;
        let ms: Vec<u32> = lengths
            .iter()
            .map(|l| u32::try_from(l.as_millis()).unwrap_or(u32::MAX))
            .collect();
        *self.reading.borrow_mut() = Some(Reading {
            screen,
            turn: ReadInTurn::new(parts, &ms),
            show,
        });
        let weak = Rc::downgrade(self);
        self.reading_tick
            .start(TimerMode::Repeated, READING_TICK, move || {
                if let Some(c) = weak.upgrade() {
                    c.on_reading_tick();
                }
            });
        self.on_reading_tick();
        Ok(())
    }

    /// The volume of what is being read aloud now.
    pub fn set_volume(&self, volume: u8) {
        self.speaker.borrow().set_volume(volume);
    }

    /// Stops reading aloud (a second press, another phase, another screen).
    pub fn stop_reading(&self) {
        self.speaker.borrow_mut().stop();
        self.reading_tick.stop();
        let reading = self.reading.borrow_mut().take();
        if let (Some(r), Some(w)) = (reading, self.window()) {
            (r.show)(&w, None);
        }
    }

    /// The place of the text and the sentence being read aloud now, if a
    /// recording plays.
    pub fn reading_sentence(&self) -> Option<(usize, usize)> {
        let at = self.speaker.borrow().position()?;
        let ms = u32::try_from(at.as_millis()).unwrap_or(u32::MAX);
        self.reading.borrow().as_ref()?.turn.at(ms)
    }

    fn on_reading_tick(&self) {
        match self.reading_sentence() {
            Some(at) => {
                if let (Some(r), Some(w)) = (self.reading.borrow().as_ref(), self.window()) {
                    (r.show)(&w, Some(at));
                }
            }
            // The end of the last recording.
            None => self.stop_reading(),
        }
    }

    /// The screen reading aloud and the files it reads, if any.
    pub fn reading(&self) -> Option<(Screen, Vec<String>)> {
        let reading = self.reading.borrow();
        let r = reading.as_ref()?;
        Some((
            r.screen,
            r.turn.parts().map(|(_, a)| a.file.clone()).collect(),
        ))
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

    /// A view's picture for the screen, and whether there is one to show
    /// (none, or one that does not decode, shows nothing).
    pub fn shown_picture(&self, svg: Option<Vec<u8>>) -> (slint::Image, bool) {
        let image = svg.and_then(|svg| self.picture(svg)).unwrap_or_default();
        let shown = image.size().width > 0;
        (image, shown)
    }

    /// Remembers whether a stick was in; `true` if that changed (what was
    /// found on the stick is then forgotten).
    pub fn stick_changed(&self, present: bool) -> bool {
        let changed = self.stick_seen.replace(Some(present)) != Some(present);
        if changed {
            let mut check = self.stick_check();
            check.generation += 1;
            check.offers = None;
            check.running = false;
        }
        changed
    }

    fn stick_check(&self) -> MutexGuard<'_, StickCheck> {
        self.stick_check.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the last check found on the stick now in, if it was made with
    /// programme `version` installed.
    pub fn stick_offers(&self, version: Option<u64>) -> Option<Vec<PackOffer>> {
        match &self.stick_check().offers {
            Some((checked_with, offers)) if *checked_with == version => Some(offers.clone()),
            _ => None,
        }
    }

    /// Checks the stick's packs on a worker thread, unless a check runs.
    /// `version` is the programme installed now; see [`Self::stick_offers`].
    pub fn check_stick(&self, scan: StickScan, version: Option<u64>) {
        let generation = {
            let mut check = self.stick_check();
            if check.running {
                return;
            }
            check.running = true;
            check.generation
        };
        let shared = self.stick_check.clone();
        std::thread::spawn(move || {
            // A stick pulled out mid-check has nothing to offer.
            let offers = scan.offers().unwrap_or_default();
            let mut check = shared.lock().unwrap_or_else(|e| e.into_inner());
            if check.generation == generation {
                check.offers = Some((version, offers));
                check.running = false;
                check.arrived = true;
            }
        });
    }

    /// Whether a check of the stick is running.
    pub fn is_checking_stick(&self) -> bool {
        self.stick_check().running
    }

    /// `true` once after a check of the stick has finished.
    pub fn take_stick_arrival(&self) -> bool {
        std::mem::take(&mut self.stick_check().arrived)
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
