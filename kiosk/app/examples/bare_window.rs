//! A bare Slint window with the kiosk's background and nothing else, for
//! `scripts/bench-startup.sh`: its first frame is what Slint, winit and
//! fontconfig cost before the kiosk does anything, measured in the same run
//! as the kiosk's own first frame.

slint::slint! {
    export component BareWindow inherits Window {
        no-frame: true;
        background: #0d1821;
        preferred-width: 1920px;
        preferred-height: 1080px;
        Text {
            text: "InsideOut";
            color: #ffffff;
            font-size: 60px;
        }
    }
}

fn main() -> Result<(), slint::PlatformError> {
    let window = BareWindow::new()?;
    window.window().set_fullscreen(true);
    window.run()
}
