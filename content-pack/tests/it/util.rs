//! Helpers shared by the integration tests: a small valid programme, keys,
//! packs built from them, and a byte-for-byte snapshot of a content store.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use content_pack::*;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()
}

fn text(s: &str) -> ParticipantText {
    ParticipantText::new(s, s)
}

/// A one-session, one-tool programme that passes validation.
pub fn tiny_programme(title: &str) -> Programme {
    let phase = |kind, minutes, tools: &[&str]| Phase {
        kind,
        title: text(&format!("{kind}")),
        minutes,
        text: text("We talk about the week."),
        facilitator_notes: vec!["Keep it short.".into()],
        tools: tools.iter().map(|t| t.to_string()).collect(),
        media: None,
    };
    Programme {
        title: title.into(),
        sessions: vec![Session {
            id: "s01-start".into(),
            number: 1,
            title: text("Getting started"),
            points: vec![Point::Motivation],
            minutes: 60,
            phases: vec![
                phase(PhaseKind::Welcome, 10, &[]),
                phase(PhaseKind::CheckIn, 10, &[]),
                phase(PhaseKind::Agenda, 5, &[]),
                phase(PhaseKind::MainWork, 30, &["cost-benefit"]),
                phase(PhaseKind::CheckOut, 5, &[]),
            ],
        }],
        tools: vec![Tool {
            id: "cost-benefit".into(),
            name: text("Cost-benefit analysis"),
            points: vec![Point::Motivation],
            summary: text("Weigh up the good and bad of a choice."),
            steps: vec![text("Fill in the four boxes.")],
            picture: "media/points.svg".into(),
            worksheet: Worksheet {
                kind: WorksheetKind::Grid,
                fields: vec![WorksheetField {
                    label: text("Good things about using"),
                    prompt: ParticipantText::default(),
                }],
            },
        }],
        point_pictures: Point::ALL
            .into_iter()
            .map(|point| PointPicture {
                point,
                picture: "media/points.svg".into(),
            })
            .collect(),
        safety_guide: vec![GuideSection {
            id: "harm".into(),
            title: "Risk of harm".into(),
            steps: vec!["Tell the wing officer before the group leaves.".into()],
        }],
        translations: vec![],
    }
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub key: SigningKey,
    pub trusted: TrustedKeys,
}

impl Fixture {
    pub fn new() -> Fixture {
        let keys = generate_keys(KeyProtection::Unencrypted).unwrap();
        Fixture {
            dir: tempfile::tempdir().unwrap(),
            key: SigningKey::from_text(&keys.secret_key, None).unwrap(),
            trusted: TrustedKeys::new(vec![TrustedKey::from_text(&keys.public_key).unwrap()]),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes media files into the fixture and returns their pack paths;
    /// `media/points.svg`, the tiny programme's pictures, is always among them.
    pub fn media(&self, files: &[(&str, &[u8])]) -> Vec<(PackPath, PathBuf)> {
        let picture: (&str, &[u8]) = ("media/points.svg", b"<svg>four points</svg>");
        let extra = (!files.iter().any(|(name, _)| *name == picture.0)).then_some(&picture);
        files
            .iter()
            .chain(extra)
            .map(|(name, bytes)| {
                let on_disk = self.path(&format!("src-{}", name.replace('/', "_")));
                fs::write(&on_disk, bytes).unwrap();
                (PackPath::new(name).unwrap(), on_disk)
            })
            .collect()
    }

    pub fn build_with(
        &self,
        programme: &Programme,
        version: u64,
        expires: Option<DateTime<Utc>>,
        media: &[(PackPath, PathBuf)],
    ) -> PathBuf {
        let options = BuildOptions {
            version,
            created: t0() + Duration::minutes(version as i64),
            expires,
            rotations: Vec::new(),
        };
        self.build_opts(programme, &options, media)
    }

    pub fn build_opts(
        &self,
        programme: &Programme,
        options: &BuildOptions,
        media: &[(PackPath, PathBuf)],
    ) -> PathBuf {
        let out = self.path(&format!(
            "pack-v{}-{}.iopack",
            options.version,
            programme.title.replace(' ', "_")
        ));
        let approval = Approval {
            approved_by: "Content lead".into(),
            reference: "CR-1".into(),
        };
        build_pack(
            &PackInput {
                pack_id: "test-pack",
                approval: &approval,
                programme,
                media,
            },
            options,
            &self.key,
            &out,
            &mut |_, _| {},
        )
        .unwrap();
        out
    }

    /// A pack with the tiny programme and two media files.
    pub fn build(&self, version: u64) -> PathBuf {
        let media = self.media(&[
            ("media/points.svg", b"<svg>four points</svg>"),
            ("media/sound/bell.ogg", &[7u8; 3000]),
        ]);
        self.build_with(
            &tiny_programme(&format!("Programme v{version}")),
            version,
            None,
            &media,
        )
    }

    pub fn store(&self) -> ContentStore {
        ContentStore::open(&self.path("content")).unwrap()
    }

    pub fn install(&self, pack: &Path) -> Result<InstalledPack, PackError> {
        let verified = UnverifiedPack::open(pack, &Limits::default())?.verify(&self.trusted)?;
        self.store().install(verified, t0(), &mut NoObserver)
    }
}

/// Every file, folder and link under `dir`, with contents, for
/// byte-for-byte comparisons.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_owned();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_symlink() {
                let target = fs::read_link(&path).unwrap();
                out.insert(rel, format!("-> {}", target.display()).into_bytes());
            } else if meta.is_dir() {
                out.insert(rel, b"<dir>".to_vec());
                stack.push(path);
            } else {
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Where each entry's data starts in a tar file, by entry path.
pub fn entry_offsets(pack: &Path) -> Vec<(String, u64, u64)> {
    let file = fs::File::open(pack).unwrap();
    let mut archive = tar::Archive::new(file);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.path().unwrap().display().to_string(),
                e.raw_file_position(),
                e.size(),
            )
        })
        .collect()
}
