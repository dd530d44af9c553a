//! No raw prison number is stored, logged or exported: after sessions with
//! known numbers (typed in several ways) and a simulation, the bytes of every
//! file in the data folder (database, its WAL, audit log) and of every
//! exported file are scanned for each number.

use attendance_export::verify_bundle;
use kiosk_core::simulate::{pool_size, synthetic_numbers};
use kiosk_core::ExportScope;

use crate::export::{kiosk_keys, run_sessions};
use crate::util::{all_files, contains, provisioned, FACILITATOR, PIN};

fn forms(n: &str) -> Vec<Vec<u8>> {
    let upper = n.to_uppercase();
    let lower = n.to_lowercase();
    let spaced = format!("{} {} {}", &upper[..1], &upper[1..5], &upper[5..]);
    let utf16: Vec<u8> = upper.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    vec![
        upper.into_bytes(),
        lower.into_bytes(),
        spaced.into_bytes(),
        utf16,
    ]
}

#[test]
fn raw_prison_numbers_appear_in_no_file_the_kiosk_writes() {
    let tk = provisioned();
    let typed = ["B7654CD", "z9876yx", " Q 5555 RS ", "M0001AA", "K4321LM"];
    let mut k = tk.open();
    k.sign_in(FACILITATOR, PIN).unwrap();
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    tk.clock.advance(chrono::Duration::minutes(5));
    k.next_phase().unwrap();
    for n in typed {
        k.add_participant(n.to_string()).unwrap();
    }
    // Refusals do not leak either.
    let e = k.add_participant("b7654cd".into()).unwrap_err().to_string();
    assert!(!e.to_uppercase().contains("B7654CD"));
    let e = k
        .add_participant("B7654CDX".into())
        .unwrap_err()
        .to_string();
    assert!(!e.to_uppercase().contains("B7654CD"));
    // Scan while the session is open (the WAL holds the newest pages)…
    let numbers: Vec<String> = typed
        .iter()
        .map(|n| n.replace(' ', "").to_uppercase())
        .chain(synthetic_numbers(9, pool_size(8)))
        .collect();
    let scan = |what: &str| {
        let files = all_files(tk.tmp.path());
        assert!(files.iter().any(|(p, _)| p.ends_with("kiosk.db")));
        for (path, bytes) in &files {
            for n in &numbers {
                for form in forms(n) {
                    assert!(
                        !contains(bytes, &form),
                        "{what}: {} contains a prison number",
                        path.display()
                    );
                }
            }
        }
        files.len()
    };
    assert!(all_files(&tk.dir)
        .iter()
        .any(|(p, _)| p.ends_with("kiosk.db-wal")));
    scan("during a session");
    while k.run_view().unwrap().can_go_next {
        tk.clock.advance(chrono::Duration::minutes(10));
        k.next_phase().unwrap();
    }
    k.finish_session().unwrap();
    // …then after a simulation with synthetic numbers and exports.
    run_sessions(&tk, &mut k, 20, 8, 9);
    let out = k.export(&tk.usb, ExportScope::All, &mut |_, _| {}).unwrap();
    let kiosk_core::ExportOutcome::Written {
        folder,
        attendances,
        ..
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(attendances, 5 + 20 * 8);
    verify_bundle(&folder, &kiosk_keys(&tk)).unwrap();
    let n = scan("after export, kiosk open");
    assert!(n > 8, "{n} files scanned");
    drop(k);
    scan("after the kiosk closed");
}
