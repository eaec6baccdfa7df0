//! The query segmenter (`analyze::query_dict`) cuts exactly as the full
//! dictionary does, and its table is jieba-rs's default dictionary.
//!
//! Regenerate the table after a jieba-rs upgrade with
//! `cargo test --release --test query_dict -- --ignored regenerate_table`.

mod common;

use std::sync::OnceLock;

use fazhi::analyze::dictionary::{self, user_entries};
use fazhi::analyze::query_dict::{self, Tables};
use fazhi::analyze::{compact, normalize};
use jieba_rs::{Jieba, TokenizeMode};
use proptest::prelude::*;

const TABLE_PATH: &str = "index-schema/jieba-dict.fst";

fn tables() -> &'static Tables {
    query_dict::tables().expect("the embedded table reads")
}

/// `(records, total)` of a dictionary. jieba-rs exposes neither but prints
/// both in its `Debug` output: `Jieba { records_len: N, total_freq: N }`.
fn records_and_total(jieba: &Jieba) -> (usize, usize) {
    let debug = format!("{jieba:?}");
    let field = |name: &str| -> usize {
        let rest = &debug[debug.find(name).unwrap_or_else(|| panic!("{name} in {debug}")) + name.len()..];
        rest.trim_start_matches([':', ' ']).split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
    };
    (field("records_len"), field("total_freq"))
}

/// A word's frequency in `jieba`, read as the drop in its total when the
/// word is set to 0; `None` when `jieba` did not hold it (then it does now).
fn take_frequency(jieba: &mut Jieba, word: &str) -> Option<usize> {
    let (records, total) = records_and_total(jieba);
    jieba.add_word(word, Some(0), None);
    let (records_after, total_after) = records_and_total(jieba);
    (records_after == records).then(|| total - total_after)
}

#[test]
fn table_is_jieba_rs_default_dictionary() {
    let mut jieba = Jieba::new();
    let (records, total) = records_and_total(&jieba);
    let (table_total, entries) = tables().default_entries();
    assert_eq!(entries.len(), records, "word count; regenerate {TABLE_PATH} (see tests/query_dict.rs)");
    assert_eq!(table_total as usize, total, "total frequency; regenerate {TABLE_PATH}");
    for (word, freq) in &entries {
        assert_eq!(take_frequency(&mut jieba, word), Some(*freq as usize), "{word}; regenerate {TABLE_PATH}");
    }
    // Every word was found once with its frequency: nothing is left over.
    assert_eq!(records_and_total(&jieba), (records, 0));
}

#[test]
fn user_entries_get_the_full_dictionarys_frequencies() {
    let mut full = (*dictionary::shared()).clone();
    assert_eq!(tables().total(), records_and_total(&full).1, "total frequency");
    let mut words: Vec<&str> = user_entries().map(|(w, _, _)| w).collect();
    words.sort_unstable();
    words.dedup();
    for word in words {
        assert_eq!(take_frequency(&mut full, word), tables().frequency(word), "{word}");
    }
}

fn assert_same_cuts(text: &str) {
    let full = dictionary::shared();
    let small = tables().dictionary_for(text).expect("consistent tables");
    // What the search path uses: default mode with the HMM.
    assert_eq!(small.cut(text, true), full.cut(text, true), "cut({text:?}, true)");
    // The other modes read the dictionary the same way; cheap to hold too.
    assert_eq!(small.cut(text, false), full.cut(text, false), "cut({text:?}, false)");
    assert_eq!(small.tokenize(text, TokenizeMode::Search, true), full.tokenize(text, TokenizeMode::Search, true));
}

#[test]
fn tricky_queries_cut_as_with_the_full_dictionary() {
    let fixed = [
        // User-dictionary words, alone, adjacent, inside longer text.
        "枫桥经验",
        "新时代枫桥经验",
        "放管服改革一网通办",
        "最多跑一次最多跑一地",
        "习近平法治思想法治政府建设",
        "三项制度",
        "行政执法三项制度",
        "八五普法七五普法",
        // Mixed ASCII and digits.
        "2023年法治政府建设",
        "12345热线",
        "5g基站",
        "abc123def",
        "v1.2.3版本",
        "c++与c#",
        "50%以上",
        "a-b_c.d",
        "ai赋能",
        "ppp项目",
        // Unknown to the dictionary: the HMM joins or splits them.
        "盘龙彝族乡",
        "永平镇",
        "铅山县",
        "砚山县人民政府",
        "诉源治理",
        "接诉即办",
        "吹哨报到",
        "多元解纷",
        "掌上办指尖办",
        "龘靐齉",
        // Punctuation, spaces and symbols between words.
        "行政执法“三项制度”",
        "法治，政府。建设！",
        "法律顾问 公职律师",
        "《中华人民共和国行政处罚法》",
        "（一）坚持党的领导",
        "\r\n法治\r\n",
        "法治\u{0}政府",
        // Single chars and the empty string.
        "",
        "法",
        "的",
        "a",
        "1",
        "。",
        "𠀀",
        // Long.
        "深入学习贯彻习近平法治思想全面推进依法行政加快建设法治政府坚持和发展新时代枫桥经验推动矛盾纠纷多元化解",
    ];
    // Traditional and full-width forms, as a query arrives after normalization.
    let traditional = ["法治政府建設", "楓橋經驗", "行政執法三項制度", "ＡＢＣ１２３", "發佈時間：２０２４年"];
    for text in fixed {
        assert_same_cuts(text);
    }
    for text in traditional {
        assert_same_cuts(&normalize(text));
        assert_same_cuts(&compact(&normalize(text)));
    }
    assert_same_cuts(&fixed.concat());
}

#[test]
fn every_sentence_of_the_bundled_reports_cuts_alike() {
    for entry in std::fs::read_dir(common::bundled_corpus()).unwrap() {
        let text = normalize(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        for sentence in text.split(['。', '\n']) {
            assert_same_cuts(sentence);
            assert_same_cuts(&compact(sentence));
        }
    }
}

/// Chars of the bundled reports: realistic material for random queries.
fn corpus_chars() -> &'static Vec<char> {
    static CHARS: OnceLock<Vec<char>> = OnceLock::new();
    CHARS.get_or_init(|| {
        let mut all = String::new();
        for entry in std::fs::read_dir(common::bundled_corpus()).unwrap() {
            all.push_str(&normalize(&std::fs::read_to_string(entry.unwrap().path()).unwrap()));
        }
        all.chars().collect()
    })
}

fn user_words() -> Vec<&'static str> {
    user_entries().map(|(w, _, _)| w).collect()
}

/// A piece of a query: a window of report text, a user word, random CJK,
/// ASCII, punctuation or any char.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0..corpus_chars().len(), 1..12usize).prop_map(|(at, n)| {
            corpus_chars()[at..(at + n).min(corpus_chars().len())].iter().collect()
        }),
        2 => proptest::sample::select(user_words()).prop_map(str::to_string),
        2 => proptest::collection::vec(proptest::char::range('\u{4E00}', '\u{9FFF}'), 1..4)
            .prop_map(|cs| cs.into_iter().collect()),
        1 => "[a-zA-Z0-9+#&._%-]{1,6}",
        1 => "[，。、“”（）《》 ！？：；\\-\r\n]{1,2}",
        1 => any::<char>().prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_queries_cut_as_with_the_full_dictionary(pieces in proptest::collection::vec(piece(), 0..12)) {
        let text = pieces.concat();
        assert_same_cuts(&text);
        assert_same_cuts(&compact(&normalize(&text)));
    }
}

/// Writes the table from jieba-rs's own dictionary file, found through
/// `cargo metadata`.
#[test]
#[ignore = "writes index-schema/jieba-dict.fst; run after upgrading jieba-rs"]
fn regenerate_table() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let jieba = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "jieba-rs")
        .expect("jieba-rs among the packages");
    let manifest = std::path::Path::new(jieba["manifest_path"].as_str().unwrap());
    let dict = std::fs::read_to_string(manifest.with_file_name("src/data/dict.txt")).unwrap();
    let table = query_dict::build_table(&dict).unwrap();
    std::fs::write(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TABLE_PATH), table).unwrap();
}
