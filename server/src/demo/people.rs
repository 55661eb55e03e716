//! Made-up people for the demo county: names, families with ages, health, labour and schooling, and
//! valid resident ID numbers, all drawn from the seed.

use app::households::ResidentId;
use chrono::NaiveDate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

use super::REFERENCE_YEAR;

const SURNAMES: &[&str] = &[
    "张", "李", "王", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "唐", "冯", "邓", "许", "曾", "彭", "吕", "苏", "蒋", "蔡", "魏", "叶", "余", "杜",
    "夏", "钟", "汪", "田", "任", "范", "石", "姚", "谭", "廖", "邹", "熊", "陆", "秦", "龙", "雷", "汤", "易", "黎",
    "文", "贺", "龚",
];

const GIVEN_MALE: &[&str] = &[
    "建", "国", "明", "华", "强", "军", "平", "伟", "刚", "勇", "志", "成", "文", "德", "福", "贵", "林", "海", "波",
    "龙", "俊", "杰", "涛", "兵", "斌", "洪", "春", "永", "光", "清", "学", "远", "世", "泽", "宇", "浩", "鑫", "磊",
    "超", "晨",
];

const GIVEN_FEMALE: &[&str] = &[
    "秀", "英", "兰", "芳", "珍", "玉", "梅", "琴", "丽", "萍", "红", "燕", "霞", "娟", "敏", "静", "婷", "雪", "春",
    "桂", "莲", "翠", "慧", "凤", "琳", "欣", "怡", "雨", "佳", "倩", "月", "云", "晓", "丹", "艳", "蓉", "素", "淑",
    "菊", "芬",
];

pub(super) fn pick<'a>(rng: &mut ChaCha8Rng, list: &'a [&'a str]) -> &'a str {
    list.get(rng.random_range(0..list.len())).copied().unwrap_or_default()
}

fn given_name(rng: &mut ChaCha8Rng, male: bool) -> String {
    let list = if male { GIVEN_MALE } else { GIVEN_FEMALE };
    if rng.random_bool(0.35) { pick(rng, list).to_string() } else { format!("{}{}", pick(rng, list), pick(rng, list)) }
}

pub(super) fn person_name(rng: &mut ChaCha8Rng, male: bool) -> String {
    let surname = pick(rng, SURNAMES);
    format!("{surname}{}", given_name(rng, male))
}

/// Hands out unique, checksum-valid resident ID numbers.
#[derive(Default)]
pub(super) struct IdIssuer {
    next: HashMap<(NaiveDate, bool), u32>,
}

impl IdIssuer {
    pub(super) fn issue(&mut self, birth: NaiveDate, male: bool) -> String {
        // Three-digit order code: odd for men, even for women; 500 of each a day per area code.
        let n = self.next.entry((birth, male)).or_insert(0);
        let index = *n;
        *n += 1;
        let areas = ["500152", "500223", "510921", "500382"];
        let area = areas.get((index / 500) as usize % areas.len()).copied().unwrap_or_default();
        let order = (index % 500) * 2 + u32::from(male);
        let first17 = format!("{area}{}{order:03}", birth.format("%Y%m%d"));
        let check = ResidentId::check_char(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }
}

pub(super) struct Member {
    pub(super) name: String,
    pub(super) relation: &'static str,
    pub(super) male: bool,
    pub(super) age: i32,
}

pub(super) fn birth_date(rng: &mut ChaCha8Rng, age: i32) -> NaiveDate {
    let year = REFERENCE_YEAR - age - 1;
    let day = rng.random_range(0..365);
    NaiveDate::from_yo_opt(year, day + 1).unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default())
}

pub(super) fn family(rng: &mut ChaCha8Rng) -> Vec<Member> {
    let surname = pick(rng, SURNAMES).to_string();
    let head_male = rng.random_bool(0.82);
    let head_age = rng.random_range(28..80);
    let mut members = vec![Member {
        name: format!("{surname}{}", given_name(rng, head_male)),
        relation: "户主",
        male: head_male,
        age: head_age,
    }];
    if rng.random_bool(0.8) {
        let age = (head_age + rng.random_range(-5..4)).clamp(20, 90);
        members.push(Member { name: person_name(rng, !head_male), relation: "配偶", male: !head_male, age });
    }
    let children = if head_age < 70 { rng.random_range(0..4) } else { rng.random_range(0..2) };
    for _ in 0..children {
        let age = head_age - rng.random_range(22..36);
        if age < 0 {
            continue;
        }
        let male = rng.random_bool(0.52);
        members.push(Member {
            name: format!("{surname}{}", given_name(rng, male)),
            relation: if male { "子" } else { "女" },
            male,
            age,
        });
    }
    if head_age < 55 && rng.random_bool(0.3) {
        let age = (head_age + rng.random_range(22..32)).min(99);
        let male = rng.random_bool(0.4);
        members.push(Member {
            name: format!(
                "{}{}",
                if male { surname.clone() } else { pick(rng, SURNAMES).to_string() },
                given_name(rng, male)
            ),
            relation: if male { "父亲" } else { "母亲" },
            male,
            age,
        });
    }
    if head_age > 52 && rng.random_bool(0.35) {
        for _ in 0..rng.random_range(1..3) {
            let male = rng.random_bool(0.52);
            members.push(Member {
                name: format!("{surname}{}", given_name(rng, male)),
                relation: if male { "孙子" } else { "孙女" },
                male,
                age: rng.random_range(1..16),
            });
        }
    }
    members
}

pub(super) fn health(rng: &mut ChaCha8Rng, age: i32) -> &'static str {
    let roll: f64 = rng.random();
    let chronic = if age > 60 { 0.25 } else { 0.06 };
    if roll < 0.02 {
        "大病"
    } else if roll < 0.05 {
        "残疾"
    } else if roll < 0.05 + chronic {
        "长期慢性病"
    } else {
        "健康"
    }
}

pub(super) fn labour(age: i32, health: &str) -> &'static str {
    match (age, health) {
        (..16, _) => "无劳动力",
        (_, "大病" | "残疾") => "丧失劳动力",
        (16..=60, "长期慢性病") => "弱劳动力",
        (16..=60, _) => "普通劳动力",
        (61..=70, _) => "弱劳动力",
        _ => "无劳动力",
    }
}

pub(super) fn schooling(rng: &mut ChaCha8Rng, age: i32) -> &'static str {
    match age {
        ..6 => "学龄前",
        6..=11 => "小学",
        12..=14 => "初中",
        15..=17 => {
            if rng.random_bool(0.55) {
                "高中"
            } else if rng.random_bool(0.7) {
                "中职"
            } else {
                "非在校"
            }
        }
        18..=21 if rng.random_bool(0.35) => "大专及以上",
        _ => "非在校",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn issued_ids_are_valid_and_unique() {
        let mut issuer = IdIssuer::default();
        let day = NaiveDate::from_ymd_opt(1970, 5, 1).unwrap();
        let mut seen = std::collections::HashSet::new();
        for i in 0..1200 {
            let id = issuer.issue(day, i % 2 == 0);
            assert!(ResidentId::parse(&id).is_ok(), "{id}");
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_families() {
        let mut r1 = ChaCha8Rng::seed_from_u64(7);
        let mut r2 = ChaCha8Rng::seed_from_u64(7);
        let f1: Vec<String> =
            (0..50).flat_map(|_| family(&mut r1)).map(|m| format!("{}{}{}", m.name, m.relation, m.age)).collect();
        let f2: Vec<String> =
            (0..50).flat_map(|_| family(&mut r2)).map(|m| format!("{}{}{}", m.name, m.relation, m.age)).collect();
        assert_eq!(f1, f2);
        assert!(f1.iter().any(|m| m.contains("户主")));
    }
}
