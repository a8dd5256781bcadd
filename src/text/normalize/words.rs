//! Word lists that drive the pattern matchers: measure words that take 两,
//! Latin units, currencies, and the context cues for digit strings, scores
//! and N年. Edit these lists, not the matchers, to tune coverage.

/// After exactly "2", these read 两 (两个, 两年后, 两人). Not 月/日/号/路/楼/层/分/两.
pub(super) const MEASURE_WORDS: &[&str] = &[
    "个", "人", "名", "次", "种", "位", "条", "家", "天", "岁", "年", "件", "只", "本", "张", "台",
    "辆", "架", "艘", "座", "所", "项", "批", "场", "届", "季", "周", "份", "副", "双", "对", "套",
    "把", "支", "根", "块", "片", "户", "笔", "篇", "首", "部", "门", "栋", "幢", "头", "匹", "株",
    "棵", "枚", "颗", "粒", "倍", "成", "点", "样", "类", "轮", "期", "组", "队", "方", "句", "段",
    "处", "间", "排", "代", "趟", "遍", "声", "杯", "瓶", "袋", "箱", "包", "斤", "元", "角", "毛",
    "米", "公里", "公斤", "吨", "小时", "分钟", "秒钟", "星期", "礼拜", "万", "亿", "千",
];

/// "2千克" is 二千克 (two kilograms), not 两千克 (two thousand grams).
pub(super) const QIAN_UNITS: &[&str] = &["千克", "千米", "千瓦", "千卡", "千伏", "千帕", "千兆"];

/// Latin units after a number, longest first; `°C`-style temperatures marked.
pub(super) const UNITS: &[(&str, &str)] = &[
    ("km/h", "公里"),
    ("km²", "平方千米"),
    ("cm²", "平方厘米"),
    ("mm²", "平方毫米"),
    ("kWh", "千瓦时"),
    ("km2", "平方千米"),
    ("m²", "平方米"),
    ("m³", "立方米"),
    ("m2", "平方米"),
    ("m3", "立方米"),
    ("°C", "摄氏度"),
    ("°F", "华氏度"),
    ("m/s", "米"),
    ("min", "分钟"),
    ("kg", "千克"),
    ("km", "千米"),
    ("cm", "厘米"),
    ("mm", "毫米"),
    ("mg", "毫克"),
    ("ml", "毫升"),
    ("mL", "毫升"),
    ("ms", "毫秒"),
    ("kW", "千瓦"),
    ("℃", "摄氏度"),
    ("℉", "华氏度"),
    ("°", "度"),
    ("m", "米"),
    ("g", "克"),
    ("s", "秒"),
    ("h", "小时"),
    ("t", "吨"),
    ("L", "升"),
    ("w", "万"),
];

/// Units read before the number: 10km/h → 每小时十公里.
pub(super) fn per_unit_prefix(unit: &str) -> Option<&'static str> {
    match unit {
        "km/h" => Some("每小时"),
        "m/s" => Some("每秒"),
        _ => None,
    }
}

/// Currency written before the amount, read after it.
pub(super) const CURRENCY_PREFIX: &[(&str, &str)] = &[
    ("HK$", "港元"),
    ("US$", "美元"),
    ("A$", "澳元"),
    ("HKD", "港元"),
    ("USD", "美元"),
    ("CNY", "人民币"),
    ("RMB", "人民币"),
    ("EUR", "欧元"),
    ("JPY", "日元"),
    ("GBP", "英镑"),
    ("$", "美元"),
    ("€", "欧元"),
    ("£", "英镑"),
    ("₩", "韩元"),
    ("￥", "元"),
    ("¥", "元"),
];

/// Money words after an amount: trailing decimal zeros are dropped (36.00元 → 三十六元).
pub(super) const MONEY_WORDS: &[&str] = &[
    "元",
    "块",
    "美元",
    "欧元",
    "英镑",
    "日元",
    "港元",
    "韩元",
    "澳元",
    "人民币",
    "万元",
    "亿元",
];

/// Digits with 幺 after these (尾号为1702 → 尾号为幺七零二).
pub(super) const PHONE_CUES: &[&str] = &[
    "电话", "拨打", "致电", "热线", "尾号", "号码", "手机", "短号", "总机", "传真", "客服",
];
/// Digits with 一 after these (编号27149 → 二七一四九).
pub(super) const ID_CUES: &[&str] = &[
    "编号", "代码", "代号", "账号", "卡号", "工号", "学号", "邮编", "型号",
];
/// Filler between a cue and its number.
pub(super) const CUE_FILLERS: &[char] = &['为', '是', '：', ':', ' ', '“', '"'];

/// Service numbers read with 幺 when they stand alone or one of SERVICE_AFTER follows.
pub(super) const SERVICE_NUMBERS: &[&str] = &[
    "110", "119", "120", "122", "114", "12306", "12315", "12345", "12348", "12369", "10086",
    "10010", "10000", "95588",
];
pub(super) const SERVICE_AFTER: &[&str] = &["报警", "热线", "急救", "电话", "查询", "服务", "求助"];
/// Road numbers read digit by digit with 幺 (110国道).
pub(super) const ROAD_WORDS: &[&str] = &["国道", "省道", "县道"];
/// Project names read digit by digit (985工程).
pub(super) const NAMED_CODES: &[&str] = &["985", "211"];
pub(super) const NAMED_CODE_AFTER: &[&str] = &["工程", "大学", "高校", "院校"];

/// A score cue in the same clause turns 17:16 and 1-2 into 比.
pub(super) const SCORE_CUES: &[&str] = &[
    "比分", "比赛", "战胜", "击败", "负于", "战平", "逆转", "比例", "比值", "爆冷", "大胜", "力克",
    "不敌", "以",
];

/// N年 reads as a number (a duration) when one of these comes right before …
/// (1–3 digit N年 is a number anyway, e.g. 20年后, 70年来, 90年代; see mod.rs.)
pub(super) const YEAR_NUMBER_BEFORE: &[&str] = &[
    "近", "约", "历经", "成立", "长达", "约有", "已有", "共有", "逾", "超过", "每", "过去", "整整",
];
/// A 4-digit N年 is a number only when one of these follows 年 (2000多年).
pub(super) const FOUR_DIGIT_NUMBER_AFTER: &[&str] = &["多", "余"];
/// Digit by digit after these, whatever the length (公元前345年).
pub(super) const YEAR_DIGITS_BEFORE: &[&str] = &["公元", "公元前", "纪元"];

/// Year-range suffixes (2019-2020年 → 二零一九到二零二零年).
pub(super) const YEAR_RANGE_AFTER: &[&str] = &["年", "学年", "赛季", "财年"];

/// Latin tokens with a fixed reading (WeTP whitelist).
pub(super) const WHITELIST: &[(&str, &str)] = &[
    ("O2O", "O to O"),
    ("B2B", "B to B"),
    ("B2C", "B to C"),
    ("C2C", "C to C"),
    ("P2P", "P to P"),
];

/// Math operators between numbers.
pub(super) const OPERATORS: &[(char, &str)] = &[
    ('+', "加"),
    ('=', "等于"),
    ('≥', "大于等于"),
    ('≤', "小于等于"),
    ('>', "大于"),
    ('<', "小于"),
    ('×', "乘"),
    ('÷', "除以"),
    ('≠', "不等于"),
];

/// Range separators between two numbers (read 到).
pub(super) const RANGE_SEPS: &[char] = &['-', '－', '~', '～', '—', '–'];
/// Clause boundaries that stop a backwards cue search.
pub(super) const CLAUSE_END: &[char] = &['，', '。', '；', '！', '？', ',', ';', '!', '?', '\n'];
