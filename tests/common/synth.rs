//! A deterministic synthetic corpus with known metadata, after
//! ../shared/bench/gen_corpus.py: reports recombined from the sentences of
//! the bundled reports, each given a place, year and level, written with a
//! manifest so the metadata is known exactly (extraction is tested elsewhere).
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// A region chain (province, city, county, township) and its unit's level and type.
pub type Place =
    (&'static str, Option<&'static str>, Option<&'static str>, Option<&'static str>, &'static str, &'static str);

/// Real region chains.
pub const PLACES: &[Place] = &[
    ("浙江省", Some("宁波市"), Some("慈溪市"), Some("古塘街道"), "乡镇级", "街道"),
    ("浙江省", Some("宁波市"), Some("慈溪市"), None, "县级", "县级市"),
    ("浙江省", Some("宁波市"), None, None, "地市级", "地级市"),
    ("浙江省", Some("宁波市"), None, None, "地市级", "部门"),
    ("浙江省", Some("金华市"), Some("磐安县"), None, "县级", "部门"),
    ("浙江省", Some("绍兴市"), Some("诸暨市"), Some("枫桥镇"), "乡镇级", "镇"),
    ("浙江省", None, None, None, "省级", "省"),
    ("江苏省", Some("泰州市"), Some("兴化市"), Some("陶庄镇"), "乡镇级", "镇"),
    ("江苏省", Some("南京市"), Some("鼓楼区"), None, "县级", "区"),
    ("江西省", Some("上饶市"), Some("铅山县"), Some("永平镇"), "乡镇级", "镇"),
    ("广东省", Some("中山市"), None, Some("东凤镇"), "乡镇级", "镇"),
    ("广东省", Some("广州市"), None, None, "地市级", "地级市"),
    ("云南省", Some("文山壮族苗族自治州"), Some("砚山县"), Some("盘龙彝族乡"), "乡镇级", "民族乡"),
    ("北京市", None, Some("朝阳区"), None, "县级", "区"),
    ("北京市", None, None, None, "省级", "直辖市"),
    ("吉林省", Some("长春市"), Some("朝阳区"), None, "县级", "区"),
    ("吉林省", Some("吉林市"), None, None, "地市级", "地级市"),
    ("广西壮族自治区", Some("桂林市"), None, None, "地市级", "地级市"),
];

/// Words sprinkled into reports so queries have varied hit counts.
pub const TERMS: &[&str] =
    &["枫桥经验", "法律明白人", "一网通办", "行政执法三项制度", "公职律师", "八五普法", "最多跑一次"];

#[derive(Clone, Debug)]
pub struct SynthReport {
    pub file: String,
    pub text: String,
    pub place: usize,
    pub year: Option<i64>,
}

/// xorshift: small, deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Sentences of the bundled reports (。-terminated, 12+ chars).
pub fn seed_sentences(corpus: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(corpus).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        for s in std::fs::read_to_string(f).unwrap().split_inclusive('。') {
            let s = s.trim();
            if s.chars().count() >= 12 && !s.contains('\n') {
                out.push(s.to_string());
            }
        }
    }
    out
}

pub fn generate(n: usize, seed: u64, sentences: &[String]) -> Vec<SynthReport> {
    let mut rng = Rng(seed | 1);
    (0..n)
        .map(|i| {
            let place = rng.below(PLACES.len());
            let year = if rng.below(10) == 0 { None } else { Some(2019 + rng.below(6) as i64) };
            let p = PLACES[place];
            let unit = p.3.or(p.2).or(p.1).unwrap_or(p.0);
            let mut text = match year {
                Some(y) => format!("{unit}{y}年法治政府建设情况报告\n\n"),
                None => format!("{unit}法治政府建设情况报告\n\n"),
            };
            for _ in 0..(8 + rng.below(20)) {
                text.push_str(&sentences[rng.below(sentences.len())]);
                if rng.below(6) == 0 {
                    let _ = write!(text, "深入推进“{}”。", TERMS[rng.below(TERMS.len())]);
                }
                if rng.below(4) == 0 {
                    text.push('\n');
                }
            }
            SynthReport { file: format!("r{i:05}.txt"), text, place, year }
        })
        .collect()
}

/// Writes the reports and a manifest of their metadata; returns the manifest path.
pub fn write(dir: &Path, reports: &[SynthReport]) -> std::path::PathBuf {
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let mut manifest = String::new();
    for r in reports {
        std::fs::write(docs.join(&r.file), &r.text).unwrap();
        let p = PLACES[r.place];
        let entry = serde_json::json!({
            "path": format!("docs/{}", r.file),
            "province": p.0, "city": p.1, "county": p.2, "township": p.3,
            "level": p.4, "unit_type": p.5, "year": r.year,
        });
        manifest.push_str(&entry.to_string());
        manifest.push('\n');
    }
    let path = dir.join("manifest.jsonl");
    std::fs::write(&path, manifest).unwrap();
    path
}
