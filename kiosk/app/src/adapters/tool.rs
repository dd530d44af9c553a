//! The tool screen: the phase's tool from the programme, and its worksheet.
//! Opening it records the tool as used (kiosk-core); the worksheet entries
//! stay in the controller's memory for this session only.

use std::rc::Rc;

use content_pack::{Tool, WorksheetKind};
use slint::{ComponentHandle, ModelRc, VecModel};

use crate::controller::Controller;
use crate::ui::{AppWindow, Screen, ToolAdapter, WorksheetBox};

/// Connects "back to the session".
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let weak = Rc::downgrade(controller);
    window.global::<ToolAdapter>().on_close(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Run);
        }
    });
}

/// The current phase's first tool, if it has one.
fn current_tool(controller: &Controller) -> Option<Tool> {
    let kiosk = controller.kiosk();
    let view = kiosk.run_view()?;
    let id = view.phase.tools.first()?;
    kiosk.programme()?.tool(id).cloned()
}

/// Records the tool as used and shows it.
pub fn open(controller: &Rc<Controller>) {
    let Some(tool) = current_tool(controller) else {
        return;
    };
    let used = controller.kiosk().use_tool(&tool.id);
    if let Err(e) = used {
        controller.fail(e);
        return;
    }
    let Some(window) = controller.window() else {
        return;
    };
    fill(&window, controller, &tool);
    controller.show(Screen::Tool);
}

/// Fills the tool screen again (after an idle lock on it).
pub fn reshow(window: &AppWindow, controller: &Controller) {
    if let Some(tool) = current_tool(controller) {
        fill(window, controller, &tool);
    }
}

fn fill(window: &AppWindow, controller: &Controller, tool: &Tool) {
    let adapter = window.global::<ToolAdapter>();
    adapter.set_name(tool.name.clone().into());
    adapter.set_summary(tool.summary.clone().into());
    let steps: Vec<slint::SharedString> = tool.steps.iter().map(|s| s.clone().into()).collect();
    adapter.set_steps(ModelRc::new(VecModel::from(steps)));
    adapter.set_kind(
        match tool.worksheet.kind {
            WorksheetKind::Grid => "grid",
            WorksheetKind::List => "list",
            WorksheetKind::Rating => "rating",
        }
        .into(),
    );
    let boxes = controller.worksheet(&tool.id, || {
        tool.worksheet
            .fields
            .iter()
            .map(|f| WorksheetBox {
                label: f.label.clone().into(),
                prompt: f.prompt.clone().into(),
                text: "".into(),
                score: 5,
            })
            .collect()
    });
    adapter.set_boxes(ModelRc::from(boxes));
}
