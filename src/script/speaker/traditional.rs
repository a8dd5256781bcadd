//! Traditional characters in speaker lines: folded to simplified so one
//! table of words reads both scripts, and the found pieces spelled back as
//! the page prints them.

use super::Speaker;

/// Traditional characters seen in titles, verbs of saying, surnames and
/// editorial furniture, each followed by its simplified form. Every one is
/// a three-byte character, so folding keeps byte offsets.
pub(super) const TRADITIONAL: &str =
    "員员書书縣县長长區区鄉乡鎮镇廳厅會会館馆處处檢检經经總总參参專专學学\
    師师記记協协說说説说認认為为議议強强調调談谈發发紹绍務务導导黨党團团際际廠厂醫医農农體体級级\
    組组幹干隊队劉刘張张陳陈楊杨趙赵吳吴孫孙馬马鄧邓羅罗謝谢韓韩馮冯鄭郑遲迟黃黄許许葉叶蘇苏錢钱\
    盧卢鄒邹龍龙賈贾顧顾蕭萧呂吕閻阎嚴严湯汤鍾钟譚谭陸陆蔣蒋範范滬沪寧宁責责編编輯辑來来時时間间\
    號号攝摄資资圖图題题動动腦脑戶户報报網网頁页訊讯籲吁訴诉華华國国屆届業业銀银機机構构關关門门";

/// `s` with the traditional characters of [`TRADITIONAL`] made simplified,
/// byte for byte: `田紅旗委員` → `田紅旗委员`, so one table of title words
/// and rules reads both scripts.
pub fn fold(s: &str) -> String {
    let pairs: Vec<char> = TRADITIONAL.chars().collect();
    s.chars()
        .map(|c| {
            let at = pairs.iter().step_by(2).position(|&t| t == c);
            at.map_or(c, |k| pairs[2 * k + 1])
        })
        .collect()
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of `orig` where `piece` stands in `folded` (its folded twin).
fn find_in(orig: &str, folded: &str, piece: &str) -> Option<String> {
    let slice = |o: &str, f: &str| f.find(piece).map(|i| o[i..i + piece.len()].to_string());
    slice(orig, folded).or_else(|| slice(&compact(orig), &compact(folded)))
}

/// `piece` as `orig` spells it; a piece joined from two places
/// (`委员，代表民革中央`) is restored part by part.
fn restore(orig: &str, folded: &str, piece: &str) -> String {
    find_in(orig, folded, piece).unwrap_or_else(|| {
        let part = |p: &str| find_in(orig, folded, p).unwrap_or_else(|| p.to_string());
        piece.split('，').map(part).collect::<Vec<_>>().join("，")
    })
}

impl Speaker {
    /// This speaker, found in `folded`, spelled as `orig` spells it.
    pub(super) fn restored(self, orig: &str, folded: &str) -> Speaker {
        Speaker {
            name: restore(orig, folded, &self.name),
            role: self.role.map(|r| restore(orig, folded, &r)),
        }
    }
}
