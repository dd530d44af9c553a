//! Helpers for the UI tests: a provisioned kiosk with the sample programme
//! on a fake clock, a window built by `kiosk::init` on Slint's testing
//! backend, and element lookup that fails loudly.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use content_pack::{BuildOptions, SigningKey};
use i_slint_backend_testing::ElementHandle;
pub use kiosk::adapters::Navigate;
use kiosk::controller::Controller;
use kiosk::ui::{AppAdapter, AppWindow, Screen};
use kiosk_core::provision::{init_kiosk, set_facilitator_pin};
use kiosk_core::{FakeClock, InitOptions, Kiosk, Overwrite};
use slint::ComponentHandle;

/// The facilitator's PIN in every fixture.
pub const PIN: &str = "274913";
/// Minutes idle before the fixture kiosk locks.
pub const IDLE_MINUTES: u32 = 5;

/// A provisioned kiosk in a temporary folder, with version 1 of the sample
/// programme installed from a pack signed by a throw-away key, and version 2
/// waiting on the "USB stick".
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub clock: Arc<FakeClock>,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with(|_, _| {})
    }

    /// [`Fixture::new`] with a recording of every text the room sees, in
    /// both languages and versions, as a pack built with `--speak` has: so
    /// every Read aloud control shows. (One short tone made by sox serves
    /// for all; each text's sentences start 10 ms apart.)
    pub fn read_aloud() -> Fixture {
        Fixture::with(|source, media_dir| {
            let file = media_dir.join("tone.wav");
            let made = std::process::Command::new("sox")
                .args(["-n", "-r", "8000", "-c", "1", "-b", "16"])
                .arg(&file)
                .args(["synth", "0.5", "sine", "330"])
                .status()
                .expect("sox runs (Debian's sox package; .ci/setup installs it)");
            assert!(made.success());
            let languages = [content_pack::Language::En, content_pack::Language::Cy];
            source.programme.each_room_text_mut(|text| {
                for language in languages {
                    for plain in [false, true] {
                        let n = content_pack::readability::sentences(text.pick_in(language, plain))
                            .len();
                        if n > 0 {
                            text.audio.push(content_pack::Audio {
                                language,
                                plain,
                                file: "media/audio/tone.wav".into(),
                                sentence_ms: (0..n as u32).map(|i| i * 10).collect(),
                                made: content_pack::AudioMade::Synthesised,
                            });
                        }
                    }
                }
            });
            source.media.push(content_pack::MediaFile {
                pack_path: content_pack::PackPath::new("media/audio/tone.wav").unwrap(),
                size: std::fs::metadata(&file).unwrap().len(),
                file,
            });
            source.media.sort_by(|a, b| a.pack_path.cmp(&b.pack_path));
        })
    }

    /// [`Fixture::new`] with the sample source changed by `edit` (given a
    /// folder for new media files) before it is built.
    pub fn with(edit: impl FnOnce(&mut content_pack::Source, &Path)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FakeClock::starting_now());
        let now = Utc::now();
        // One key made by the minisign CLI, so the screens that name the
        // signer's key look the same in every run.
        let key = SigningKey::from_text(include_str!("keys/screens.key"), None).unwrap();
        let mut source = content_pack::load_source(&sample_dir()).unwrap();
        edit(&mut source, dir.path());
        let usb = dir.path().join("usb");
        std::fs::create_dir_all(&usb).unwrap();
        let pack = dir.path().join("sample.iopack");
        let options = BuildOptions {
            version: 1,
            created: now,
            expires: None,
            rotations: Vec::new(),
        };
        content_pack::build_pack_from_source(&source, &options, &key, &pack, &mut |_, _| {})
            .unwrap();
        let update = BuildOptions {
            version: 2,
            ..options.clone()
        };
        let on_stick = usb.join("insideout-sample-v2.iopack");
        content_pack::build_pack_from_source(&source, &update, &key, &on_stick, &mut |_, _| {})
            .unwrap();
        let data = dir.path().join("data");
        let init = InitOptions {
            site: "HMP Example".into(),
            wing: "B wing".into(),
            trusted_keys: vec![include_str!("keys/screens.pub").to_owned()],
            idle_minutes: IDLE_MINUTES,
            language: content_pack::Language::En,
            usb_dir: usb,
            overwrite: Overwrite::Refuse,
            pseudonym_key: None,
        };
        init_kiosk(&data, &init, now).unwrap();
        set_facilitator_pin(&data, "sam", PIN, now).unwrap();
        let mut kiosk = Kiosk::open(&data, clock.clone()).unwrap();
        kiosk.import(&pack, &mut |_, _| {}).unwrap();
        Fixture { dir, clock }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The kiosk again, as after a restart.
    pub fn open(&self) -> Kiosk {
        Kiosk::open(&self.data_dir(), self.clock.clone()).unwrap()
    }
}

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content-pack/sample")
}

/// The window over the fixture's kiosk as `--demo` shows it (the demo PIN
/// on the sign-in screen), with the software renderer for snapshots.
pub fn demo_window(fixture: &Fixture) -> (AppWindow, Rc<Controller>) {
    software_renderer();
    let options = kiosk::Options {
        demo_pin: Some(PIN.into()),
    };
    let (window, controller) = kiosk::init(fixture.open(), options).unwrap();
    window.show().unwrap();
    settle();
    (window, controller)
}

/// The window over `kiosk`, as `kiosk::run` builds it, at 1920×1080.
pub fn window(kiosk: Kiosk) -> (AppWindow, Rc<Controller>) {
    let (window, controller) = kiosk::init(kiosk, kiosk::Options::default()).unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    window.show().unwrap();
    settle();
    (window, controller)
}

thread_local! {
    static SYSTEM_TIME: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// For tests on the testing backend with the system clock, where mocked
/// time must not move.
pub fn use_system_time() {
    SYSTEM_TIME.with(|s| s.set(true));
}

/// Lets Slint instantiate what the last action put on screen.
pub fn settle() {
    if SYSTEM_TIME.with(|s| s.get()) {
        slint::platform::update_timers_and_animations();
    } else {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(16));
    }
}

pub fn screen(window: &AppWindow) -> Screen {
    window.global::<AppAdapter>().get_screen()
}

/// The one visible element with this accessible label. Panics (never skips)
/// if there is none: without Slint debug info lookups find nothing, and a
/// test that silently passed then would test nothing.
pub fn find(window: &AppWindow, label: &str) -> ElementHandle {
    settle();
    let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(window, label)
        .filter(|e| e.is_valid() && e.computed_opacity() > 0.0 && e.size().height > 0.0)
        .collect();
    assert!(
        !found.is_empty(),
        "no element labelled {label:?} on the {:?} screen",
        screen(window)
    );
    found.into_iter().next().unwrap()
}

/// Whether a visible element has this label.
pub fn shows(window: &AppWindow, label: &str) -> bool {
    settle();
    ElementHandle::find_by_accessible_label(window, label)
        .any(|e| e.is_valid() && e.size().height > 0.0)
}

/// Presses the button with this label (its accessible default action).
/// Only buttons count, so a heading with the same words is never pressed.
pub fn press(window: &AppWindow, label: &str) {
    settle();
    let button = ElementHandle::find_by_accessible_label(window, label)
        .find(|e| {
            e.is_valid()
                && e.size().height > 0.0
                && e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Button)
        })
        .unwrap_or_else(|| {
            let similar: Vec<String> = ElementHandle::find_by_accessible_label(window, label)
                .map(|e| format!("{:?} {:?}", e.accessible_role(), e.size()))
                .collect();
            panic!(
                "no button labelled {label:?} on the {:?} screen (matching non-buttons or hidden: {similar:?})",
                screen(window)
            )
        });
    button.invoke_accessible_default_action();
    settle();
}

/// Types on an on-screen keypad: each character's key ("Digit 7", "Key A").
pub fn tap_keys(window: &AppWindow, prefix: &str, text: &str) {
    for c in text.chars() {
        press(window, &format!("{prefix} {c}"));
    }
}

/// Signs in with the PIN pad.
/// Waits for the worker checking the stick's packs, then ticks, so home
/// shows what it found (as the kiosk's own timer would within a second).
pub fn stick_checked(controller: &Rc<Controller>) {
    let started = std::time::Instant::now();
    while controller.is_checking_stick() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the stick check never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    controller.on_tick();
}

pub fn sign_in(window: &AppWindow, pin: &str) {
    tap_keys(window, "Digit", pin);
    press(window, "Sign in");
}

/// Types on the physical keyboard.
pub fn type_keys(window: &AppWindow, text: &str) {
    for c in text.chars() {
        let text: slint::SharedString = c.to_string().into();
        window
            .window()
            .dispatch_event(slint::platform::WindowEvent::KeyPressed { text: text.clone() });
        window
            .window()
            .dispatch_event(slint::platform::WindowEvent::KeyReleased { text });
    }
    settle();
}

/// Presses Next as a facilitator would after a moment on the phase (Next is
/// ignored for a short time after each phase change).
pub fn next_phase(window: &AppWindow, fixture: &Fixture) {
    fixture.clock.advance(chrono::Duration::seconds(2));
    press(window, "Next phase");
}

/// Presses the button with this label `n` times in a row, as fast as a
/// double or triple tap (no time passes on the kiosk's clock).
pub fn tap_times(window: &AppWindow, label: &str, n: usize) {
    for _ in 0..n {
        if ElementHandle::find_by_accessible_label(window, label)
            .any(|e| e.is_valid() && e.size().height > 0.0 && e.accessible_enabled() != Some(false))
        {
            press(window, label);
        }
    }
}

/// Signs in and starts the session with this number.
pub fn start_session(window: &AppWindow, controller: &Controller, number: u32) {
    sign_in(window, PIN);
    press(window, "Start a session");
    let label = {
        let kiosk = controller.kiosk();
        let s = kiosk
            .sessions()
            .iter()
            .find(|s| s.number == number)
            .expect("the sample has this session")
            .clone();
        let l = kiosk.language();
        kiosk_core::words::trf(
            l,
            "Session {}: {}",
            &[&s.number, &s.title.pick_in(l, false)],
        )
    };
    press(window, &label);
    assert_eq!(screen(window), Screen::Run);
}

/// Scrolls the screen (a mouse wheel over its middle, as a facilitator
/// would drag the list) until an element with this label is on screen.
pub fn scroll_to(window: &AppWindow, label: &str) {
    let size = window
        .window()
        .size()
        .to_logical(window.window().scale_factor());
    let position = slint::LogicalPosition::new(size.width / 2.0, size.height / 2.0);
    for _ in 0..60 {
        if shows(window, label) {
            return;
        }
        window
            .window()
            .dispatch_event(slint::platform::WindowEvent::PointerScrolled {
                position,
                delta_x: 0.0,
                delta_y: -120.0,
            });
        settle();
    }
    panic!("scrolled to the end and found no {label:?}");
}

/// Slint's testing backend with its software renderer, so windows can be
/// snapshotted (once per test thread, instead of `init_no_event_loop`).
pub fn software_renderer() {
    use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
}

/// Writes a window snapshot as an RGBA PNG.
pub fn write_png(path: &Path, shot: &slint::SharedPixelBuffer<slint::Rgba8Pixel>) {
    let out = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(out), shot.width(), shot.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    encoder
        .write_header()
        .unwrap()
        .write_image_data(shot.as_bytes())
        .unwrap();
}

/// The run screen as it shows while its words are read aloud, sentence
/// `lit` being read (the UI tests have no sound device: aloud.rs plays).
pub fn as_if_reading_run(window: &AppWindow, controller: &Controller, lit: i32) {
    let run = window.global::<kiosk::ui::RunAdapter>();
    let aloud = kiosk_core::views::run(&controller.kiosk())
        .and_then(|v| v.read_aloud)
        .expect("the phase has a recording");
    run.set_sentences(slint::ModelRc::new(slint::VecModel::from(
        aloud
            .sentences
            .iter()
            .map(Into::into)
            .collect::<Vec<slint::SharedString>>(),
    )));
    run.set_reading_sentence(lit);
    run.set_reading(true);
    settle();
}

/// The tool screen as it shows while it is read aloud, sentence `sentence`
/// of the text at `place` (0 the summary, n step n) being read.
pub fn as_if_reading_tool(window: &AppWindow, place: i32, sentence: i32) {
    let tool = window.global::<kiosk::ui::ToolAdapter>();
    tool.set_reading_place(place);
    tool.set_reading_sentence(sentence);
    tool.set_reading(true);
    settle();
}
