"""Label normalization and matching: Vietnamese, Chinese, English, widths, invisible characters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolrules.text import (
    LabelMatcher,
    blank_out,
    label_key,
    names_amount,
    normalize,
    tagged_at,
    tokens,
    trailing_hashtag_block,
)

VN = LabelMatcher.build(["quảng cáo", "tài trợ"])
EN = LabelMatcher.build(["#ad", "sponsored", "paid partnership"])
CN = LabelMatcher.build(["广告"])
CN_BOTH = LabelMatcher.build(["广告", "廣告"])


@pytest.mark.parametrize(
    "text",
    [
        "#QuảngCáo",
        "quảng cáo",
        "#quangcao",
        "QUẢNG CÁO",
        "quang cao",
        "Quảng Cáo:",
        unicodedata.normalize("NFD", "quảng cáo"),
        "#Quảng_Cáo",
        "quảng-cáo",
        "Được tài trợ bởi X",
    ],
)
def test_vietnamese_forms_match(text: str) -> None:
    assert VN.matches(text)


@pytest.mark.parametrize("text", ["quảng trường", "cáo", "quangcaoxyz", "#quangcaoo"])
def test_vietnamese_near_misses_do_not_match(text: str) -> None:
    assert not VN.matches(text)


def test_vietnamese_d_with_stroke_folds_to_d() -> None:
    assert tokens("Đà Nẵng") == ["da", "nang"]
    assert LabelMatcher.build(["đặc biệt"]).matches("DAC BIET")


@pytest.mark.parametrize(
    "text",
    [
        "#ad",
        "Ad: new drop",
        "AD",
        "#AD",
        "Sponsored",
        "#sponsored",
        "Paid partnership with X",
        "#PaidPartnership",
        "ＡＤ",
        "＃ad",
        "#a\u200bd",
        "\ufeff#ad",
        "#ad\u200d",
    ],
)
def test_english_forms_match(text: str) -> None:
    assert EN.matches(text)


@pytest.mark.parametrize(
    "text",
    [
        "#adventure",
        "made",
        "#ads",
        "sponsoring",
        "#collaboration",
        "ad-free",
        "bad",
        "#sp",
        "read",
        "sponsoredpost",
    ],
)
def test_word_boundaries_hold(text: str) -> None:
    assert not EN.matches(text)


@pytest.mark.parametrize("text", ["广告", "这是广告内容", "【广告】新品", "廣告"[:0] + "广告|推荐"])
def test_chinese_matches_inside_text(text: str) -> None:
    assert CN.matches(text)


def test_chinese_near_misses() -> None:
    assert not CN.matches("广场")
    assert not CN.matches("推广")


def test_kana_marks_survive_normalization() -> None:
    # Stripping Latin diacritics must not turn ガ into カ.
    assert normalize("ガ") != normalize("カ")


def test_label_key_concatenates_tokens() -> None:
    assert label_key("#Quảng Cáo") == "quangcao"
    assert label_key("!!!") == ""


def test_matcher_reports_which_label_matched() -> None:
    assert EN.search(normalize("thanks! #sponsored")) == "sponsored"
    assert LabelMatcher.build(["!!!"]).search(normalize("!!!")) is None


def test_trailing_hashtag_block() -> None:
    caption = "Great day #sun #sea #ad"
    start, count = trailing_hashtag_block(caption)
    assert count == 3 and caption[start:] == "#sun #sea #ad"
    assert trailing_hashtag_block("#ad great day") == (len("#ad great day"), 0)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def _spec_tokens(text: str) -> list[str]:
    """The module docstring's tokenization, one character at a time (the specification the
    regular expressions in kolrules.text implement)."""
    from kolrules.text import _SPECIAL_LATIN, _ZERO_WIDTH, _strip_latin_marks

    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).casefold()
    text = _strip_latin_marks(text).translate(_SPECIAL_LATIN)
    out: list[str] = []
    word: list[str] = []
    pending_joiner = False
    for ch in text:
        if _is_cjk(ch):
            if word:
                out.append("".join(word))
                word = []
            out.append(ch)
            pending_joiner = False
        elif ch.isalnum():
            word.append(ch)
            pending_joiner = False
        elif ch in "-_'’.·" and word and not pending_joiner:
            pending_joiner = True  # kept only if a letter follows: "ad-free" is one token
        else:
            if word:
                out.append("".join(word))
                word = []
            pending_joiner = False
    if word:
        out.append("".join(word))
    return out


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_ascii_tokens_follow_the_specification(text: str) -> None:
    assert tokens(text) == _spec_tokens(text)


@given(st.text(max_size=40))
def test_tokens_follow_the_specification(text: str) -> None:
    assert tokens(text) == _spec_tokens(text)


@given(st.text(alphabet="aZ9_-'’.·广ệ #\u0301", max_size=30))
def test_tokens_with_joiners_follow_the_specification(text: str) -> None:
    assert tokens(text) == _spec_tokens(text)


@pytest.mark.parametrize(
    "text", ["ad-free", "a..b", "-ad-", "x_y'z.w", "A.B-C", "ad--free", "a-广b", "Quảng-cáo"]
)
def test_tokens_on_joiners(text: str) -> None:
    assert tokens(text) == _spec_tokens(text)


AD = LabelMatcher.build(["ad"])


@pytest.mark.parametrize(
    ("text", "standing_apart"),
    [
        ("#ad love this", True),
        ("Ad: my routine", True),
        ("[Ad] my routine", True),
        ("(ad)", True),
        ("love it | ad", True),
        ("Thanks Glow Co - ad", True),
        ("AD", True),
        ("my routine\nAd\nmore", True),
        ("📢 Ad 📢 new drop", True),
        ("the new Ridgeline ad drops Friday", False),
        ("I saw the ad. Loved it", False),
        ("ad-free life", False),
        ("#adventure time", False),
        ("Ad ơi cho mình hỏi", False),
        ("AD 好物分享", True),  # a space sets words apart in Chinese text
        ("【AD】好物", True),
        ("小时候喝的AD钙奶", False),
    ],
)
def test_a_word_stands_apart_as_a_label(text: str, standing_apart: bool) -> None:
    assert bool(tagged_at(text, AD)) is standing_apart
    # Wherever it stands apart, the word is also found by plain matching (a narrower test).
    assert not standing_apart or AD.matches(text)


def test_tag_spans_point_at_the_label() -> None:
    text = "my routine | Ad"
    ((start, end),) = tagged_at(text, AD)
    assert text[start:end] == "Ad"


@pytest.mark.parametrize(
    ("text", "standing_apart"),
    [
        ("广 告｜面霜分享", True),  # typed with a space between its letters
        ("广｜告｜面霜分享", True),  # or with a mark
        ("面霜分享（广 ｜ 告）", True),
        ("面霜分享【广/告】", True),
        ("面霜分享 广|告", True),
        ("【廣*告】面霜", True),
        ("宽广｜告别过去", False),  # a longer piece joins nothing
        ("他说广-告诉我", False),
        ("推广｜告诉大家", False),
        ("广｜｜告", False),  # two marks are no spelling of one word
        ("考研｜广 告 学 复习笔记", False),  # the whole run is the word: 广告学, advertising studies
        ("广 告 位 招 租", False),  # 广告位招租, ad space for rent
        ("广 告｜面 霜 分 享", True),  # a different gap ends the run
    ],
)
def test_a_chinese_label_typed_apart_stands_apart(text: str, standing_apart: bool) -> None:
    assert bool(tagged_at(text, CN_BOTH)) is standing_apart


def test_a_label_typed_apart_spans_its_letters() -> None:
    text = "面霜分享（广 ｜ 告）"
    ((start, end),) = tagged_at(text, CN)
    assert text[start:end] == "广 ｜ 告"


@pytest.mark.parametrize(
    ("text", "outside"),
    [
        ("广告｜面霜分享 广告合作请私信", True),
        ("面霜分享 广告合作请私信", False),
        ("广告合作请私信 广告", True),
        ("面霜分享 商务合作/广告投放联系", False),
        ("本期视频为鹿鸣品牌广告合作", True),
    ],
)
def test_labels_outside_other_uses(text: str, outside: bool) -> None:
    phrases = LabelMatcher.build(["广告合作请", "广告投放", "合作请"])
    assert (CN.search(blank_out(normalize(text), phrases)) is not None) is outside


def test_blanking_keeps_positions_and_tokens() -> None:
    phrases = LabelMatcher.build(["not sponsored"])
    normal = normalize("Sponsored post, not sponsored by them")
    blanked = blank_out(normal, phrases)
    assert len(blanked) == len(normal)
    assert blanked.split(" ")[1:3] == normal.split(" ")[1:3]
    assert "sponsored" not in blanked.split()[2:]


@given(st.text(max_size=40))
def test_blanking_nothing_changes_nothing(text: str) -> None:
    normal = normalize(text)
    assert blank_out(normal, LabelMatcher.build([])) == normal


@pytest.mark.parametrize(
    "text",
    [
        "$500",
        "paid me US$500",
        "500 USD",
        "¥3,000",
        "RMB 500",
        "500元",
        "5万元",
        "3.000.000₫",
        "500.000đ",
        "2 triệu đồng",
        "I was paid $10k by X",
        "$1.2 million",
        "0.5 ETH",
        "ＵＳ＄５００",
    ],
)
def test_sums_of_money_are_found(text: str) -> None:
    assert names_amount(text)


@pytest.mark.parametrize(
    "text", ["paid 500", "10,000 followers", "$", "AD钙奶", "USD", "top 5 picks", "v2.0"]
)
def test_numbers_without_a_currency_are_no_sum(text: str) -> None:
    assert not names_amount(text)


_LABEL_ALPHABET = "adAD0_-'.# "


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("#ad", True),
        ("x-ad", False),
        ("ad-x", False),
        ("a-d", True),
        ("a--d!", True),
        ("#AD.", True),
        ("made", False),
        ("ad_", True),
        ("-ad-", True),
        ("bad ad", True),
    ],
)
def test_ascii_matching_at_token_edges(text: str, found: bool) -> None:
    matcher = LabelMatcher.build(["#ad"])
    assert matcher.matches(text) is found
    assert (matcher.search(normalize(text)) is not None) is found


def test_a_used_matcher_pickles_as_its_labels() -> None:
    import pickle

    fresh = LabelMatcher.build(["#ad", "sponsored", "paid partnership"])
    used = LabelMatcher.build(["#ad", "sponsored", "paid partnership"])
    assert used.matches("loving this #ad") and not used.matches("loving this")
    assert pickle.dumps(used) == pickle.dumps(fresh)  # the lazily compiled patterns stay behind
    copy = pickle.loads(pickle.dumps(used))
    assert copy == used and copy.matches("Paid Partnership with Luma")


def _first_label_by_tokens(labels: list[str], text: str) -> str | None:
    """The specification of ``search``: at the first token (left to right) where one or more
    consecutive tokens spell a label's key, their diacritics agreeing with the label's, the first
    such label in the vocabulary's order. (The only mark of these alphabets is the hook of "ả":
    a token written with it agrees when it holds as many as the part of the label it spells.)"""
    # "ɐ" stands for "ả", so that ``tokens`` keeps the hooked letter apart from "a".
    words = tokens(text.replace("ả", "ɐ"))
    keyed = [(label, label_key(label.replace("ả", "ɐ"))) for label in labels if label_key(label)]
    for start in range(len(words)):
        for label, key in keyed:
            spelled: list[str] = []
            for word in words[start:]:
                spelled.append(word)
                plain = "".join(spelled).replace("ɐ", "a")
                if plain == key.replace("ɐ", "a"):
                    if _hooks_agree(spelled, key):
                        return label
                    break
                if not key.replace("ɐ", "a").startswith(plain):
                    break
    return None


def _hooks_agree(words: list[str], key: str) -> bool:
    at = 0
    for word in words:
        part = key[at : at + len(word)]
        at += len(word)
        if "ɐ" in word and word.count("ɐ") != part.count("ɐ"):
            return False
    return True


@given(
    st.lists(
        st.text(alphabet=_LABEL_ALPHABET + "广告合ả", min_size=1, max_size=5), min_size=1, max_size=5
    ),
    st.text(alphabet=_LABEL_ALPHABET + "广告合ả!,|\t", max_size=24),
)
def test_search_finds_the_first_label_at_the_first_token_it_starts_at(
    labels: list[str], text: str
) -> None:
    matcher = LabelMatcher.build(labels)
    assert matcher.search(normalize(text)) == _first_label_by_tokens(labels, text)


# A word typed with diacritics says which word it is; one typed without them may be either.
@pytest.mark.parametrize(
    ("label", "text", "found"),
    [
        ("nhãn hàng", "Cảm ơn nhãn hàng ABC", True),
        ("nhãn hàng", "cam on nhan hang ABC", True),
        ("nhãn hàng", "Cảm ơn nhan hang ABC nhé", True),  # one word typed plain in marked text
        ("nhãn hàng", "Shop gửi nhanh, nhận hàng ưng ý", False),  # "receive the goods"
        ("đánh đề", "Bộ quà dành để tặng mẹ", False),  # "meant for"
        ("đánh đề", "danh de online", True),
        ("vang trắng", "Nhẫn vàng trắng đính đá", False),  # white gold, not white wine
        ("vang trắng", "Chai vang trắng Pháp", True),
        ("40 độ", "Chai rượu 40 đô", False),  # dollars, not degrees
        ("40 độ", "Rượu 40 độ", True),
        ("bia", "Bìa sách cứng", False),
        ("quảng cáo", "#QuảngCáo", True),
        ("quảng cáo", "QUẢNG CÁO", True),
        ("quảng cáo", unicodedata.normalize("NFD", "quảng cáo"), True),
        # Where the tone sits in a syllable varies with the spelling convention.
        ("thực phẩm bảo vệ sức khỏe", "Thực phẩm bảo vệ sức khoẻ ABC", True),
        ("hòa bình", "hoà bình", True),
    ],
)
def test_marked_words_must_agree_with_the_label(label: str, text: str, found: bool) -> None:
    assert LabelMatcher.build([label]).matches(text) is found


def test_an_unmarked_label_matches_only_unmarked_words() -> None:
    matcher = LabelMatcher.build(["quangcao"])
    assert matcher.matches("#quangcao") and not matcher.matches("#quảngcáo")
    assert LabelMatcher.build(["quangcao", "quảng cáo"]).search(normalize("#quảngcáo")) == (
        "quảng cáo"
    )


def test_any_agreeing_occurrence_is_found() -> None:
    # The first occurrence disagrees, a later one agrees.
    assert LabelMatcher.build(["vang trắng"]).matches("Nhẫn vàng trắng và chai vang trắng")


def test_blanking_keeps_the_marks() -> None:
    # A phrase blanked out stays out, and the words left keep their marks.
    phrases = LabelMatcher.build(["rượu vang"])
    wine = LabelMatcher.build(["vang trắng"])
    assert wine.search(blank_out(normalize("nhẫn vàng trắng và rượu vang trắng"), phrases)) is None
    assert wine.search(blank_out(normalize("nhẫn vàng trắng, chai vang trắng"), phrases))


@given(st.text(alphabet="aăâeêioôơuưyđdAĐ àáảãạ", max_size=30))
def test_marks_never_add_a_match(text: str) -> None:
    # Agreement only removes matches that the plain form finds.
    matcher = LabelMatcher.build(["đánh đề", "nhãn hàng", "ăn"])
    plain = LabelMatcher.build(["danh de", "nhan hang", "an"])
    assert not matcher.matches(text) or plain.matches(text)


def test_a_phrase_blanks_out_only_words_whose_marks_agree() -> None:
    # "40 đô" (dollars) covers its own spelling and the plain one, which may be either; the
    # strength "40 độ" stays.
    dollars = LabelMatcher.build(["đô"])
    strength = LabelMatcher.build(["40 độ"])
    assert strength.search(blank_out(normalize("Rượu 40 độ"), dollars))
    assert strength.search(blank_out(normalize("Rượu 40 đô"), dollars)) is None
    assert strength.search(blank_out(normalize("Ruou 40 do"), dollars)) is None


def test_a_word_standing_apart_agrees_with_the_label_too() -> None:
    brand = LabelMatcher.build(["nhãn hàng"])
    assert tagged_at("Nhãn hàng | ABC", brand)
    assert tagged_at("#nhanhang ABC", brand)
    assert tagged_at("#NhãnHàng ABC", brand)
    assert not tagged_at("Nhận hàng | ship nhanh", brand)
