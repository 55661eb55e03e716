//! Pinyin initials of names, for search by initials ("zsf" finds 张三丰). pinyin gives each character's
//! common reading; a surname read differently (单 Shàn, 曾 Zēng, 解 Xiè, ...) is corrected from a table.

use pinyin::ToPinyin;

/// Surnames whose reading as a surname differs from the character's common reading.
const SURNAME_INITIALS: [(char, char); 12] = [
    ('单', 's'),
    ('曾', 'z'),
    ('解', 'x'),
    ('区', 'o'),
    ('仇', 'q'),
    ('查', 'z'),
    ('朴', 'p'),
    ('盖', 'g'),
    ('覃', 'q'),
    ('尉', 'y'),
    ('乐', 'y'),
    ('缪', 'm'),
];

/// The lower-case initials of a name; characters without a reading (letters, digits) are kept as they
/// are, lower-cased, and punctuation such as "·" is dropped.
pub fn name_initials(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.trim().chars().enumerate() {
        if i == 0
            && let Some((_, initial)) = SURNAME_INITIALS.iter().find(|(s, _)| *s == c)
        {
            out.push(*initial);
            continue;
        }
        match c.to_pinyin() {
            Some(p) => out.push_str(p.first_letter()),
            None if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            None => {}
        }
    }
    out
}

/// Whether a search term is meant as initials: 2 to 10 Latin letters.
pub fn looks_like_initials(q: &str) -> bool {
    (2..=10).contains(&q.len()) && q.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_common_names() {
        assert_eq!(name_initials("张三丰"), "zsf");
        assert_eq!(name_initials(" 李秀英 "), "lxy");
        assert_eq!(name_initials("阿依古丽·买买提"), "ayglmmt");
    }

    #[test]
    fn surnames_with_their_own_reading() {
        assert_eq!(name_initials("单雄信"), "sxx");
        assert_eq!(name_initials("曾国藩"), "zgf");
        assert_eq!(name_initials("解缙"), "xj");
        assert_eq!(name_initials("仇英"), "qy");
        // Only the surname is corrected: 单 elsewhere reads dān.
        assert_eq!(name_initials("王单"), "wd");
    }

    #[test]
    fn what_counts_as_initials() {
        assert!(looks_like_initials("zsf"));
        assert!(looks_like_initials("ZSF"));
        assert!(!looks_like_initials("z"));
        assert!(!looks_like_initials("张三"));
        assert!(!looks_like_initials("5001"));
    }
}
