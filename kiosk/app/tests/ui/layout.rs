//! Does every screen fit? Each screen the app has is visited at 1280×800,
//! 1366×768 and 1920×1080 and at each of the Theme's text sizes, and every
//! element on it is checked against the window, against its parent, for text
//! too short to show a line, and for scroll areas that hide content without
//! saying so (see [`fit_problems`] for exactly what is checked, and its limits).
//!
//! With `LAYOUT_SHOTS=/some/dir` every checked view is also written there as
//! a PNG (`LAYOUT_SHOTS_ONLY=text` keeps only the names containing `text`), to
//! look at what the check passed.

use std::ops::ControlFlow;
use std::path::PathBuf;

use i_slint_backend_testing::{ElementHandle, ElementRoot};
use kiosk::controller::Controller;
use kiosk::ui::{
    AppAdapter, AppWindow, RunAdapter, Screen, Theme, ToolAdapter, TransferAdapter, WorksheetBox,
};
use kiosk_core::provision::set_facilitator_pin;
use kiosk_core::words::{tr, trf};
use kiosk_core::Language;
use slint::{ComponentHandle, Model};

use crate::util::*;

/// The window sizes every screen must fit.
const SIZES: [(u32, u32); 3] = [(1280, 800), (1366, 768), (1920, 1080)];

/// How far (logical px) an element may stick out before it counts, for
/// rounding in the layouts.
const TOLERANCE: f32 = 1.0;

/// The height of one line of text as a multiple of its font size: DejaVu
/// Sans, the kiosk's only font, has an ascent of 0.928 em and a descent of
/// 0.236 em, and Slint lays out one line in their sum.
const LINE: f32 = 1.16;

/// What the view puts over a scroll area that has more below: an element
/// whose accessible label starts with this.
const MORE_BELOW: &str = "More below";

// The labels the navigation presses, in one place (they will be renamed).
const START_SESSION: &str = "Start a session";
const NEXT_PHASE: &str = "Next phase";
const PLAIN_LANGUAGE: &str = "Plain language";
const GLANCE_NOTES: &str = "Glance at the facilitator notes";
const HIDE_NOTES: &str = "Hide the facilitator notes";
const CLOSE_TOOL: &str = "Close the tool";
const ATTENDANCE: &str = "Attendance";
const ADD_PARTICIPANT: &str = "Add participant";
const ATTENDANCE_DONE: &str = "Attendance done";
const FINISH_SESSION: &str = "Finish the session";
const FINISH_AND_RECORD: &str = "Record the session";
const HOME: &str = "Home";

/// A rectangle in window coordinates (logical px).
#[derive(Clone, Copy, Debug)]
struct Rect {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

impl Rect {
    fn right(&self) -> f32 {
        self.x + self.w
    }
    fn bottom(&self) -> f32 {
        self.y + self.h
    }
    fn inside(&self, outer: &Rect) -> bool {
        self.inside_across(outer) && self.inside_down(outer)
    }
    fn inside_across(&self, outer: &Rect) -> bool {
        self.x >= outer.x - TOLERANCE && self.right() <= outer.right() + TOLERANCE
    }
    fn inside_down(&self, outer: &Rect) -> bool {
        self.y >= outer.y - TOLERANCE && self.bottom() <= outer.bottom() + TOLERANCE
    }
    fn intersect(&self, other: &Rect) -> Option<Rect> {
        let x = self.x.max(other.x);
        let y = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        (right > x && bottom > y).then_some(Rect {
            x,
            y,
            w: right - x,
            h: bottom - y,
        })
    }
}

impl std::fmt::Display for Rect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "({:.0},{:.0} {:.0}×{:.0})",
            self.x, self.y, self.w, self.h
        )
    }
}

/// One element of the tree, as the testing API shows it.
struct Node {
    type_name: String,
    bases: Vec<String>,
    id: String,
    /// The accessible label, else the accessible value (text inputs).
    text: Option<String>,
    rect: Rect,
    opacity: f32,
    /// The nearest enclosing element with a size (layouts count).
    parent: Option<usize>,
    /// For an element without text of its own: the first text inside it.
    inner_text: Option<String>,
}

impl Node {
    fn is(&self, type_name: &str) -> bool {
        self.type_name == type_name || self.bases.iter().any(|b| b == type_name)
    }
    fn visible(&self) -> bool {
        self.rect.w > 0.0 && self.rect.h > 0.0 && self.opacity > 0.0
    }
    fn is_flickable(&self) -> bool {
        self.is("Flickable")
    }
    fn is_text(&self) -> bool {
        self.is("Text") || self.is("TextInput")
    }
    /// The text-editing widgets, whose own scroll area follows the caret.
    fn is_text_editor(&self) -> bool {
        ["TextEdit", "TextEditBase", "LineEdit", "LineEditBase"]
            .iter()
            .any(|t| self.is(t))
    }
}

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = if self.type_name.is_empty() {
            "(element)"
        } else {
            &self.type_name
        };
        write!(f, "{name}")?;
        if !self.id.is_empty() {
            write!(f, " #{}", self.id)?;
        }
        let short = |text: &str| {
            let short: String = text.chars().take(60).collect();
            let more = if text.chars().count() > 60 { "…" } else { "" };
            format!("{short}{more}")
        };
        if let Some(text) = &self.text {
            write!(f, " {:?}", short(text))?;
        } else if let Some(text) = &self.inner_text {
            write!(f, " (holding {:?})", short(text))?;
        }
        write!(f, " at {}", self.rect)
    }
}

/// The element tree. The testing API has no parent link, but
/// `visit_descendants` walks depth-first in pre-order (an element, then its
/// children) and can start at any element, so the number of descendants of
/// each element says where its subtree ends in the walk from the root; the
/// parent of an element is the last one before it whose subtree contains it.
/// Elements that the testing API itself skips (items wholly clipped away by a
/// scroll area or a `clip: true` parent, and `visible: false` ones) are not
/// in the tree.
fn tree(window: &AppWindow) -> Vec<Node> {
    let mut handles: Vec<ElementHandle> = Vec::new();
    window.root_element().visit_descendants(|e| {
        handles.push(e);
        ControlFlow::<()>::Continue(())
    });
    let counts: Vec<usize> = handles
        .iter()
        .map(|e| {
            let mut n = 0;
            e.visit_descendants(|_| {
                n += 1;
                ControlFlow::<()>::Continue(())
            });
            n
        })
        .collect();
    let mut nodes: Vec<Node> = Vec::with_capacity(handles.len());
    // Open subtrees: (index, one past its last descendant).
    let mut open: Vec<(usize, usize)> = Vec::new();
    for (i, e) in handles.iter().enumerate() {
        while open.last().is_some_and(|&(_, end)| end <= i) {
            open.pop();
        }
        // Two elements merged into one item (a component's root and its
        // use) come one after the other with the same descendants.
        let same_item = i > 0
            && counts[i] > 0
            && counts[i] == counts[i - 1]
            && open.last().is_some_and(|&(p, _)| p == i - 1);
        if same_item {
            open.pop();
        }
        let parent = open
            .iter()
            .rev()
            .map(|&(p, _)| p)
            .find(|&p| nodes[p].rect.w > 0.0 && nodes[p].rect.h > 0.0);
        let parent = if same_item {
            nodes[i - 1].parent
        } else {
            parent
        };
        let p = e.absolute_position();
        let s = e.size();
        let text = e
            .accessible_label()
            .or_else(|| e.accessible_value())
            .map(|t| t.to_string());
        nodes.push(Node {
            type_name: e.type_name().map(|t| t.to_string()).unwrap_or_default(),
            bases: e
                .bases()
                .map(|b| b.map(|t| t.to_string()).collect())
                .unwrap_or_default(),
            id: e.id().map(|t| t.to_string()).unwrap_or_default(),
            text,
            rect: Rect {
                x: p.x,
                y: p.y,
                w: s.width,
                h: s.height,
            },
            opacity: e.computed_opacity(),
            parent,
            inner_text: None,
        });
        open.push((i, i + 1 + counts[i]));
    }
    for i in 0..nodes.len() {
        if nodes[i].text.is_none() {
            let end = (i + 1 + counts[i]).min(nodes.len());
            nodes[i].inner_text = nodes[i + 1..end]
                .iter()
                .find_map(|n| n.text.clone().filter(|t| !t.is_empty()));
        }
    }
    nodes
}

fn ancestors(nodes: &[Node], i: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(nodes[i].parent, |&p| nodes[p].parent)
}

/// Where the element is: its nearest ancestors with an id or a label.
fn path(nodes: &[Node], i: usize) -> String {
    let named: Vec<String> = ancestors(nodes, i)
        .filter(|&a| !nodes[a].id.is_empty() || nodes[a].text.is_some())
        .take(2)
        .map(|a| {
            let n = &nodes[a];
            if !n.id.is_empty() {
                n.id.clone()
            } else {
                format!("{} {:?}", n.type_name, n.text.clone().unwrap_or_default())
            }
        })
        .collect();
    if named.is_empty() {
        String::new()
    } else {
        format!(" (in {})", named.join(" in "))
    }
}

/// The window size and text size, for messages.
fn setting(window: &AppWindow) -> String {
    let size = window.window().size();
    let theme = window.global::<Theme>();
    let scale = theme.get_text_scale();
    let names = theme.get_text_scale_names();
    let name = theme
        .get_text_scales()
        .iter()
        .position(|s| (s - scale).abs() < 0.01)
        .and_then(|i| names.row_data(i))
        .map(|n| n.to_string())
        .unwrap_or_else(|| "custom".into());
    format!(
        "{}×{}, text size {name} (×{scale})",
        size.width, size.height
    )
}

/// One thing that does not fit.
pub struct Problem {
    /// The screen, window size, text size, element and rectangles.
    pub message: String,
}

/// Everything that does not fit on the screen showing now, one line each
/// (empty if it all fits). What is checked, for every element the testing
/// API reports that has a non-zero size and an opacity above zero (the API
/// has no parent link; see [`tree`] for how the parents are found):
///
/// 1. **Inside the window**: its rectangle (cut to the scroll areas it is
///    in) lies within the window, ±1 px. Only the outermost element that
///    leaves the window is reported.
/// 2. **Inside its parent**: its rectangle lies within that of its nearest
///    enclosing element with a size (layouts count), ±1 px. Slint gives text
///    in a layout the height of the lines it needs and never less than the
///    width of its longest word, so text that does not fit pushes its
///    element (or its row) out of the parent, and is caught here. A scroll
///    area (the Flickable inside every ScrollView) is the exception: its
///    content may run above and below it, since it can be scrolled to, but
///    not sideways.
/// 3. **More below is shown**: a scroll area whose content runs more than
///    1 px below its bottom edge must have a visible element whose
///    accessible label starts with "More below" over it or just under it.
///    Scroll areas inside text-editing widgets (TextEdit, LineEdit) are left
///    out: they follow the caret.
/// 4. **Text is not cut to less than a line**: every Text and TextInput (with
///    text, or whose text the API does not show) and every scroll area is at
///    least one line of the smallest type (`Theme.small`) high.
///
/// Limits: the testing API shows neither font sizes nor the size text
/// needs, so text given a fixed width or height outside a layout (a
/// BigButton's label inside the button, a key's letter, a Notice's text) can
/// wrap mid-word or be cut without this noticing, unless it is less than one
/// line of the smallest type high. Elements that Slint itself skips because
/// they are wholly clipped away (by a scroll area or a `clip` parent) are
/// not checked; nor are overlaps between siblings, nor contrast.
pub fn fit_problems(window: &AppWindow, what: &str) -> Vec<Problem> {
    settle();
    let nodes = tree(window);
    let size = window.window().size();
    let screen = Rect {
        x: 0.0,
        y: 0.0,
        w: size.width as f32,
        h: size.height as f32,
    };
    let small = window.global::<Theme>().get_small();
    let line = small * LINE - TOLERANCE;
    let setting = setting(window);
    let mut problems = Vec::new();
    let mut say = |check: u8, i: usize, problem: String| {
        problems.push(Problem {
            message: format!(
                "{what} at {setting}: {problem}{} (check {check})",
                path(&nodes, i)
            ),
        });
    };
    let in_editor = |i: usize| {
        ancestors(&nodes, i).any(|a| nodes[a].is_text_editor()) || nodes[i].is_text_editor()
    };
    // What an element shows once the scroll areas around it cut it.
    let shown = |i: usize| -> Option<Rect> {
        ancestors(&nodes, i)
            .filter(|&a| nodes[a].is_flickable())
            .try_fold(nodes[i].rect, |r, a| r.intersect(&nodes[a].rect))
    };
    let cues: Vec<Rect> = nodes
        .iter()
        .filter(|n| n.visible() && n.text.as_deref().is_some_and(|t| t.starts_with(MORE_BELOW)))
        .map(|n| n.rect)
        .collect();

    for (i, n) in nodes.iter().enumerate() {
        if !n.visible() {
            continue;
        }
        // 1. Inside the window.
        if let Some(r) = shown(i) {
            let parent_out = n.parent.is_some_and(|p| {
                nodes[p].visible() && shown(p).is_some_and(|pr| !pr.inside(&screen))
            });
            if !r.inside(&screen) && !parent_out {
                say(
                    1,
                    i,
                    format!(
                        "{n} is outside the window {screen}{}",
                        if r.h < n.rect.h {
                            format!(" (shown part {r})")
                        } else {
                            String::new()
                        }
                    ),
                );
            }
        }
        // 2. Inside its parent.
        if let Some(p) = n.parent {
            let parent = &nodes[p];
            if parent.is_flickable() {
                if !n.rect.inside_across(&parent.rect) {
                    say(
                        2,
                        i,
                        format!("{n} is wider than its scroll area {parent}: it scrolls sideways"),
                    );
                }
                // 3. More below is shown.
                if n.rect.bottom() > parent.rect.bottom() + TOLERANCE && !in_editor(p) {
                    let cued = cues.iter().any(|c| {
                        c.x < parent.rect.right()
                            && c.right() > parent.rect.x
                            && c.bottom() > parent.rect.y
                            && c.y < parent.rect.bottom() + small * 2.0
                    });
                    if !cued {
                        say(
                            3,
                            p,
                            format!(
                                "{parent} hides {:.0} px of content below (content {}) without a \"{MORE_BELOW}\" cue",
                                n.rect.bottom() - parent.rect.bottom(),
                                n.rect
                            ),
                        );
                    }
                }
            } else if !n.rect.inside(&parent.rect) {
                say(2, i, format!("{n} sticks out of its parent {parent}"));
            }
        }
        // 4. At least one line.
        let has_text = n.text.as_deref().is_none_or(|t| !t.is_empty());
        if ((n.is_text() && has_text) || n.is_flickable()) && n.rect.h < line {
            say(
                4,
                i,
                format!(
                    "{n} is {:.0} px high, less than one line of the smallest type ({:.0} px)",
                    n.rect.h,
                    small * LINE
                ),
            );
        }
    }
    problems
}

/// Panics, listing everything that does not fit, unless the screen showing
/// now fits the window (see [`fit_problems`]). For tests of one screen; the
/// tour below collects the problems of every screen before it fails.
#[allow(dead_code)]
pub fn assert_fits(window: &AppWindow, what: &str) {
    let problems: Vec<String> = fit_problems(window, what)
        .into_iter()
        .map(|p| p.message)
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The text sizes the facilitator can choose.
fn text_scales(window: &AppWindow) -> Vec<f32> {
    window.global::<Theme>().get_text_scales().iter().collect()
}

/// Lets animations finish and timers run after a size or text change.
fn settle_long() {
    for _ in 0..20 {
        settle();
    }
}

/// What the tour found: every problem fails the test.
#[derive(Default)]
struct Tally {
    problems: Vec<String>,
}

impl Tally {
    fn add(&mut self, found: Vec<Problem>) {
        self.problems.extend(found.into_iter().map(|p| p.message));
    }
}

/// Checks the screen showing now at every size and text size, collecting
/// what does not fit; then puts 1920×1080 and normal text back.
fn check_everywhere(window: &AppWindow, what: &str, problems: &mut Tally) {
    let theme = window.global::<Theme>();
    for (w, h) in SIZES {
        window.window().set_size(slint::PhysicalSize::new(w, h));
        for scale in text_scales(window) {
            theme.set_text_scale(scale);
            settle_long();
            problems.add(fit_problems(window, what));
            shoot(window, what);
        }
    }
    theme.set_text_scale(1.0);
    window
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    settle_long();
}

/// With `LAYOUT_SHOTS` set, writes the window as a PNG there.
fn shoot(window: &AppWindow, what: &str) {
    let Some(dir) = std::env::var_os("LAYOUT_SHOTS").map(PathBuf::from) else {
        return;
    };
    if let Some(only) = std::env::var_os("LAYOUT_SHOTS_ONLY") {
        if !what.contains(only.to_string_lossy().as_ref()) {
            return;
        }
    }
    let size = window.window().size();
    let scale = window.global::<Theme>().get_text_scale();
    let shot = window
        .window()
        .take_snapshot()
        .expect("the software renderer draws");
    let slug: String = what
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!(
        "{slug}-{}x{}-text{:.0}.png",
        size.width,
        size.height,
        scale * 100.0
    ));
    write_png(&file, &shot);
}

// Navigation, one small step per function (the labels are at the top).

fn start_session(window: &AppWindow) {
    press(window, START_SESSION);
    assert_eq!(screen(window), Screen::Choose);
}

/// Chooses the first session that uses `tool_id` (or the first session),
/// by its button in `language`.
fn choose_session_with(
    window: &AppWindow,
    controller: &Controller,
    tool_id: &str,
    language: Language,
) {
    let label = {
        let kiosk = controller.kiosk();
        let p = kiosk.programme().unwrap();
        let s = p
            .sessions
            .iter()
            .find(|s| s.tool_ids().contains(&tool_id))
            .unwrap_or(&p.sessions[0]);
        trf(
            language,
            "Session {}: {}",
            &[&s.number, &s.title.pick_in(language, false)],
        )
    };
    press(window, &label);
    assert_eq!(screen(window), Screen::Run);
}

/// Next, a moment after the phase began (Next ignores a double tap).
fn next(window: &AppWindow, fixture: &Fixture) {
    fixture.clock.advance(chrono::Duration::seconds(2));
    press(window, NEXT_PHASE);
}

fn phase_has_tool(window: &AppWindow) -> bool {
    window.global::<RunAdapter>().get_tools().row_count() > 0
}

fn is_last_phase(window: &AppWindow) -> bool {
    !window.global::<RunAdapter>().get_can_go_next()
}

fn toggle_plain_language(window: &AppWindow) {
    press(window, PLAIN_LANGUAGE);
}

/// Glances at the notes, or hides them if they show.
fn toggle_notes(window: &AppWindow) {
    if window.global::<RunAdapter>().get_notes().row_count() > 0 {
        press(window, HIDE_NOTES);
    } else {
        press(window, GLANCE_NOTES);
    }
}

/// Opens the phase's first tool.
fn open_tool(window: &AppWindow) {
    let name = window
        .global::<RunAdapter>()
        .get_tools()
        .row_data(0)
        .expect("the phase has a tool")
        .name;
    press(window, &format!("Open {name}"));
    assert_eq!(screen(window), Screen::Tool);
}

fn close_tool(window: &AppWindow) {
    press(window, CLOSE_TOOL);
    assert_eq!(screen(window), Screen::Run);
}

fn open_attendance(window: &AppWindow) {
    press(window, ATTENDANCE);
    assert_eq!(screen(window), Screen::Attendance);
}

/// Adds `n` people by prison number on the keypad.
fn add_participants(window: &AppWindow, n: u32) {
    for k in 1..=n {
        tap_keys(window, "Key", &format!("A{:04}BC", 3000 + k));
        press(window, ADD_PARTICIPANT);
    }
}

fn attendance_done(window: &AppWindow) {
    press(window, ATTENDANCE_DONE);
    assert_eq!(screen(window), Screen::Run);
}

fn finish_session(window: &AppWindow) {
    press(window, FINISH_SESSION);
    assert_eq!(screen(window), Screen::Finish);
}

fn finish_and_record(window: &AppWindow) {
    press(window, FINISH_AND_RECORD);
}

fn go_home(window: &AppWindow) {
    press(window, HOME);
    assert_eq!(screen(window), Screen::Home);
}

/// Shows tool `tool_id` on the tool screen as the tool picker does (any
/// tool of the programme opens in a session; one is started if none runs).
fn show_tool(window: &AppWindow, controller: &Controller, tool_id: &str) {
    {
        let mut kiosk = controller.kiosk();
        if kiosk.run_view().is_none() {
            let first = kiosk.sessions()[0].id.clone();
            kiosk.start_session(&first).unwrap();
        }
    }
    controller.set_open_tool(Some(tool_id.to_owned()));
    kiosk::adapters::tool::refresh(window, controller).unwrap();
    window.global::<AppAdapter>().set_screen(Screen::Tool);
    settle();
}

fn kind_name(kind: content_pack::WorksheetKind) -> &'static str {
    match kind {
        content_pack::WorksheetKind::Grid => "grid",
        content_pack::WorksheetKind::List => "list",
        content_pack::WorksheetKind::Rating => "rating",
    }
}

/// Changes the worksheet showing now, box by box.
fn edit_boxes(window: &AppWindow, mut change: impl FnMut(usize, &mut WorksheetBox)) {
    let boxes = window.global::<ToolAdapter>().get_boxes();
    for i in 0..boxes.row_count() {
        let mut b = boxes.row_data(i).unwrap();
        change(i, &mut b);
        boxes.set_row_data(i, b);
    }
    settle();
}

/// The worksheet's text boxes must leave room for two lines of body text.
fn worksheet_box_problems(window: &AppWindow, what: &str) -> Vec<String> {
    let body = window.global::<Theme>().get_body();
    let setting = setting(window);
    tree(window)
        .iter()
        .filter(|n| n.visible() && n.type_name == "TextEdit")
        .filter(|n| n.rect.h < 2.0 * body * LINE)
        .map(|n| {
            format!(
                "{what} at {setting}: {n} has room for less than two lines of body text ({:.0} px)",
                2.0 * body * LINE
            )
        })
        .collect()
}

fn check_tool_everywhere(window: &AppWindow, what: &str, problems: &mut Tally) {
    check_everywhere(window, what, problems);
    let theme = window.global::<Theme>();
    for (w, h) in SIZES {
        window.window().set_size(slint::PhysicalSize::new(w, h));
        for scale in text_scales(window) {
            theme.set_text_scale(scale);
            settle_long();
            problems
                .problems
                .extend(worksheet_box_problems(window, what));
        }
    }
    theme.set_text_scale(1.0);
    window
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    settle_long();
}

#[test]
fn every_screen_fits_at_every_size_and_text_size() {
    tour(Language::En);
}

/// The same tour in Welsh: its words are longer, and the room's texts are
/// the programme's Welsh.
#[test]
fn every_screen_fits_in_welsh_too() {
    tour(Language::Cy);
}

/// Visits every screen in `language` and fails listing every layout problem.
fn tour(language: Language) {
    // The software renderer, so that LAYOUT_SHOTS can take snapshots; the
    // platform is per test thread.
    software_renderer();
    // Every text has a recording, so every Read aloud control shows.
    let fixture = Fixture::read_aloud();
    // A wing with more facilitators than fit at once, one with the longest
    // id; all listed after sam, so sam's button is in view.
    let ids = ["t.jones", "u-ahmed", "v.longest.staff.id.0123456789abc"];
    for (i, id) in ids
        .iter()
        .chain(&["w1", "w2", "w3", "w4", "w5"])
        .enumerate()
    {
        let pin = format!("5839{:02}", 20 + i);
        set_facilitator_pin(&fixture.data_dir(), id, &pin, chrono::Utc::now()).unwrap();
    }
    let (window, controller) = window(fixture.open());
    let mut tally = Tally::default();
    let p = &mut tally;
    if language != Language::En {
        press(&window, &format!("Language: {}", language.name()));
    }
    assert_eq!(controller.kiosk().language(), language);

    check_everywhere(&window, "sign-in, who is signing in", p);
    press(&window, "Sign in as sam");
    check_everywhere(&window, "sign-in", p);
    sign_in(&window, "111222");
    check_everywhere(&window, "sign-in after a wrong PIN", p);
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Home);
    check_everywhere(&window, "home, checking the stick", p);
    stick_checked(&controller);
    assert!(shows(&window, "Import content update"));
    check_everywhere(&window, "home", p);

    start_session(&window);
    check_everywhere(&window, "choose", p);
    choose_session_with(&window, &controller, "cost-benefit", language);
    let mut phase = 1;
    loop {
        let kind = window.global::<RunAdapter>().get_phase_title();
        check_everywhere(&window, &format!("run, phase {phase} ({kind})"), p);
        if phase == 1 {
            // Read aloud, as it shows while playing: a sentence a line,
            // the last one lit.
            let sentences = kiosk_core::views::run(&controller.kiosk())
                .unwrap()
                .read_aloud
                .unwrap()
                .sentences;
            as_if_reading_run(&window, &controller, sentences.len() as i32 - 1);
            check_everywhere(&window, "run, phase 1, read aloud", p);
            window.global::<RunAdapter>().set_reading(false);
        }
        if phase == 2 {
            open_attendance(&window);
            add_participants(&window, 12);
            check_everywhere(&window, "attendance with 12 added", p);
            attendance_done(&window);
        }
        if phase_has_tool(&window) {
            toggle_plain_language(&window);
            check_everywhere(&window, &format!("run, phase {phase}, plain words"), p);
            toggle_plain_language(&window);
            toggle_notes(&window);
            check_everywhere(&window, &format!("run, phase {phase}, notes hidden"), p);
            toggle_notes(&window);
            open_tool(&window);
            let id = window.global::<ToolAdapter>().get_name();
            check_tool_everywhere(&window, &format!("tool {id} (from the run screen)"), p);
            as_if_reading_tool(&window, 0, 0);
            check_tool_everywhere(&window, &format!("tool {id}, read aloud"), p);
            window.global::<ToolAdapter>().set_reading(false);
            close_tool(&window);
        }
        if is_last_phase(&window) {
            // "How was today?" with every hand counted.
            let answer = tr(language, "It did not help");
            for _ in 0..12 {
                press(&window, &format!("One hand more for {answer}"));
            }
            check_everywhere(&window, "run, check-out, 12 hands counted", p);
            break;
        }
        next(&window, &fixture);
        phase += 1;
    }
    finish_session(&window);
    check_everywhere(&window, "finish", p);
    finish_and_record(&window);
    check_everywhere(&window, "finished", p);
    go_home(&window);
    assert!(shows(&window, "Export everything again"));
    check_everywhere(&window, "home with a session recorded", p);
    press(&window, "Export everything again");
    assert_eq!(screen(&window), Screen::ConfirmExport);
    check_everywhere(&window, "confirm export everything again", p);
    tap_keys(&window, "Digit", "111222");
    press(&window, "Confirm and export everything");
    check_everywhere(&window, "confirm export, wrong PIN", p);
    press(&window, "Cancel, back to home");

    // Every tool of the programme, so every worksheet kind and length.
    let tools: Vec<(String, content_pack::WorksheetKind)> = controller
        .kiosk()
        .programme()
        .unwrap()
        .tools
        .iter()
        .map(|t| (t.id.clone(), t.worksheet.kind))
        .collect();
    for (id, kind) in &tools {
        show_tool(&window, &controller, id);
        check_tool_everywhere(&window, &format!("tool {id} ({})", kind_name(*kind)), p);
    }
    // The rating with scores from 0 to 10, and the change plan written in.
    show_tool(&window, &controller, "lifestyle-balance");
    let scores = [0, 10, 3, 7, 5, 1, 9, 6];
    edit_boxes(&window, |i, b| b.score = scores[i % scores.len()]);
    check_tool_everywhere(&window, "tool lifestyle-balance, scored", p);
    show_tool(&window, &controller, "change-plan");
    edit_boxes(&window, |i, b| {
        b.text = format!(
            "Box {}: a few words the group agreed on, long enough to need more than one line of the box.",
            i + 1
        )
        .into()
    });
    check_tool_everywhere(&window, "tool change-plan, written in", p);
    window.global::<AppAdapter>().set_screen(Screen::Home);

    // Import and export results.
    let transfer = window.global::<TransferAdapter>();
    transfer.set_title("Exporting attendance".into());
    transfer.set_stage("Writing and signing the export…".into());
    transfer.set_busy(true);
    transfer.set_progress(0.62);
    window.global::<AppAdapter>().set_screen(Screen::Transfer);
    check_everywhere(&window, "export in progress", p);
    transfer.set_busy(false);
    transfer.set_progress(1.0);
    transfer.set_result_ok(true);
    transfer.set_result("Exported 1 sessions and 12 attendances to /media/insideout-usb/insideout-export-hmp-example-b-wing-20261122T0930Z.".into());
    check_everywhere(&window, "export done", p);
    transfer.set_title("Importing a content update".into());
    transfer.set_progress(0.0);
    transfer.set_result_ok(false);
    transfer.set_result("The pack's version (1) is not above the installed version (1). Ask the content team for the newest pack.".into());
    check_everywhere(&window, "import refused", p);

    assert!(
        tally.problems.is_empty(),
        "{} layout problems:\n{}",
        tally.problems.len(),
        tally.problems.join("\n")
    );
}

/// A visible element with this label lies inside the window.
fn on_screen(window: &AppWindow, label: &str) -> bool {
    settle();
    let size = window.window().size();
    ElementHandle::find_by_accessible_label(window, label).any(|e| {
        let p = e.absolute_position();
        let s = e.size();
        e.is_valid()
            && s.height > 0.0
            && p.y >= 0.0
            && p.y + s.height <= size.height as f32 + TOLERANCE
    })
}

#[test]
fn more_below_scrolls_to_the_end_of_the_worksheet() {
    i_slint_backend_testing::init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    sign_in(&window, PIN);
    window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    window.global::<Theme>().set_text_scale(1.4);
    show_tool(&window, &controller, "change-plan");
    settle_long();
    let last = "When I will look at this plan again";
    assert!(
        !on_screen(&window, last),
        "the change plan fits: test nothing"
    );
    let mut presses = 0;
    while !on_screen(&window, last) {
        press(&window, MORE_BELOW);
        presses += 1;
        assert!(presses < 20, "More below never reached the last box");
    }
    assert!(on_screen(&window, "More above"));
    press(&window, "More above");
    assert!(on_screen(&window, MORE_BELOW));
}

#[test]
fn worksheet_changes_are_reported_as_well_as_kept() {
    i_slint_backend_testing::init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    sign_in(&window, PIN);
    let tool = window.global::<ToolAdapter>();
    let reported = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let r = reported.clone();
    tool.on_scored(move |i, score| r.borrow_mut().push(format!("scored {i} {score}")));
    let r = reported.clone();
    tool.on_edited(move |i, text| r.borrow_mut().push(format!("edited {i} {text}")));

    show_tool(&window, &controller, "lifestyle-balance");
    press(&window, "Family: more");
    press(&window, "Family: more");
    press(&window, "Money: less");
    assert!(shows(&window, "Family: 7 out of 10"));
    assert!(shows(&window, "Money: 4 out of 10"));
    assert_eq!(tool.get_boxes().row_data(1).unwrap().score, 7);

    show_tool(&window, &controller, "change-plan");
    let text_box = ElementHandle::find_by_accessible_label(&window, "Why it matters to me")
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput))
        .expect("a text box labelled \"Why it matters to me\"");
    text_box.set_accessible_value("My kids");
    settle();
    assert_eq!(tool.get_boxes().row_data(1).unwrap().text, "My kids");
    assert_eq!(
        *reported.borrow(),
        ["scored 1 6", "scored 1 7", "scored 5 4", "edited 1 My kids"]
    );
}
