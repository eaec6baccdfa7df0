//! `fazhi index`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::FOUND;
use crate::cli::IndexArgs;
use fazhi::index::build::{self, BuildRequest, BuildSummary};
use fazhi::index::layout;
use fazhi::paths;

/// Skipped files listed by name, per reason; the rest are counted.
const SKIPS_SHOWN_PER_KIND: usize = 20;

pub fn run(args: IndexArgs) -> Result<u8> {
    let dir = args.location.index.clone().unwrap_or_else(paths::default_index_dir);
    let (paths, demo) = if args.paths.is_empty() { remembered(&dir)? } else { (args.paths, false) };
    let bar = Bar::new();
    let request = BuildRequest {
        paths,
        rebuild: args.rebuild,
        prune: args.prune,
        progress: Some(bar.progress()),
        manifest: args.manifest,
        isolation: Some(args.parsing.limits()),
        fields: args.fields.map(),
        demo,
    };
    let summary = build::build(&dir, &request);
    bar.0.finish_and_clear();
    let summary = summary?;
    if summary.replaced_demo {
        eprintln!("fazhi: {} 原是自带的演示索引，演示报告已换成你给出的报告", paths::shown(&dir));
    }
    // One line per skipped file, but not 100,000 of one kind.
    let mut shown = std::collections::BTreeMap::new();
    for (path, reason) in &summary.skipped {
        let n = shown.entry(reason.kind()).or_insert(0usize);
        *n += 1;
        if *n <= SKIPS_SHOWN_PER_KIND {
            eprintln!("fazhi: 跳过 {}：{reason}", paths::shown(path));
        }
    }
    for (kind, n) in shown.into_iter().filter(|(_, n)| *n > SKIPS_SHOWN_PER_KIND) {
        eprintln!("fazhi: 另有 {} 个文件因“{kind}”跳过（未逐一列出）", n - SKIPS_SHOWN_PER_KIND);
    }
    crate::print::emit(format!("{}\n", summary_line(&summary, &dir)).as_bytes())?;
    Ok(FOUND)
}

/// What `fazhi index` with no PATH reads: what the index was built from
/// (the bundled reports only for the demo index), and whether it is the demo.
fn remembered(dir: &Path) -> Result<(Vec<PathBuf>, bool)> {
    let hint = "请给出要索引的文件或文件夹，如 fazhi index ~/reports";
    match layout::current(dir) {
        Ok(Some((_, marker))) if marker.demo => Ok((vec![bundled_corpus()?], true)),
        Ok(Some((_, marker))) if !marker.sources.is_empty() => {
            Ok((marker.sources.iter().map(|k| paths::from_key(k)).collect(), false))
        }
        Ok(Some(_)) => anyhow::bail!("索引 {} 没有记录它是从哪些文件夹建立的；{hint}", paths::shown(dir)),
        Ok(None) => anyhow::bail!("{} 还没有索引；{hint}", paths::shown(dir)),
        Err(e) => Err(e),
    }
}

/// The bundled corpus written out, or why it could not be.
pub fn bundled_corpus() -> Result<PathBuf> {
    let dir = paths::bundled_corpus_dir();
    paths::bundled_corpus().with_context(|| format!("无法写出自带语料到 {}", paths::shown(&dir)))
}

/// The indexing progress bar on stderr, drawn only on a terminal.
pub struct Bar(pub indicatif::ProgressBar);

impl Bar {
    pub fn new() -> Bar {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} 索引中 [{bar:30}] {pos}/{len} {per_sec} 剩余 {eta}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        Bar(bar)
    }

    /// What the library calls as files are done.
    pub fn progress(&self) -> build::Progress {
        let bar = self.0.clone();
        std::sync::Arc::new(move |done, found| {
            bar.set_length(found);
            bar.set_position(done);
        })
    }
}

pub fn summary_line(s: &BuildSummary, dir: &Path) -> String {
    let mut kinds = std::collections::BTreeMap::new();
    for (_, reason) in &s.skipped {
        *kinds.entry(reason.kind()).or_insert(0) += 1;
    }
    let skipped = if kinds.is_empty() {
        "跳过 0 个".to_string()
    } else {
        let reasons: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        format!("跳过 {} 个（{}）", s.skipped.len(), reasons.join("，"))
    };
    let mut extra = String::new();
    if s.reposts > 0 {
        extra.push_str(&format!("，转载重复 {} 篇（并入原报告）", s.reposts));
    }
    if s.pruned > 0 {
        extra.push_str(&format!("，清除已删除文件 {} 篇", s.pruned));
    }
    if s.kept_unverified > 0 {
        extra.push_str(&format!(
            "，{} 篇的文件无法访问（所在文件夹无法读取？），未确认删除，予以保留",
            s.kept_unverified
        ));
    }
    format!(
        "已索引 {} 篇，未变 {} 篇{extra}，{skipped}；索引共 {} 篇，位于 {}，用时 {:.1} 秒",
        s.indexed,
        s.unchanged,
        s.total_docs,
        paths::shown(dir),
        s.elapsed.as_secs_f64()
    )
}
