"""Tests of the synthetic store-data generator against the real files in data/."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import config
from analysis import synthetic
from analysis.dataset import load_dataset
from analysis.errors import AnalysisError
from analysis.synthetic import generate_store_data

REAL_DIR = config.DEFAULT_DATA_DIR
N_CUSTOMERS = 2000
TARGET = config.TARGET_COLUMN
DECLINED = config.POSITIVE_LABEL
FILES = config.DATA_FILES
SEPARATORS = {"market_file.csv": ",", "market_money.csv": ",", "market_time.csv": ",", "money.csv": ";"}
REVENUE_PERIODS = ("препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц")
MINUTES_PERIODS = ("предыдущий_месяц", "текущий_месяц")

# Correct spellings of the labels, after the fixes the project declares.
CLEAN_LABELS = {
    "Тип сервиса": {"стандарт", "премиум"},
    "Разрешить сообщать": {"да", "нет"},
    "Популярная_категория": {
        "Товары для детей",
        "Домашний текстиль",
        "Косметика и аксессуары",
        "Техника для красоты и здоровья",
        "Мелкая бытовая техника и электроника",
        "Кухонная посуда",
    },
}


def _read(directory: Path, file: str) -> pd.DataFrame:
    decimal = "," if file == "money.csv" else "."
    return pd.read_csv(directory / file, sep=SEPARATORS[file], decimal=decimal, encoding="utf-8")


def _wide(directory: Path) -> pd.DataFrame:
    """One row per customer: market_file columns, revenue and minutes per period, profit."""
    market = _read(directory, "market_file.csv").set_index("id")
    money = _read(directory, "market_money.csv")
    minutes = _read(directory, "market_time.csv")
    minutes["Период"] = minutes["Период"].replace({"предыдцщий_месяц": "предыдущий_месяц"})
    revenue = money.pivot(index="id", columns="Период", values="Выручка").add_prefix("Выручка|")
    time = minutes.pivot(index="id", columns="Период", values="минут").add_prefix("минут|")
    profit = _read(directory, "money.csv").set_index("id")
    return market.join([revenue, time, profit])


@pytest.fixture(scope="module")
def real_wide() -> pd.DataFrame:
    """Real customers without a zero-revenue month or the extreme revenue."""
    wide = _wide(REAL_DIR)
    revenue = wide.filter(like="Выручка|")
    return wide[(revenue > 0).all(axis=1) & (revenue < 20_000).all(axis=1)]


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("clean")
    generate_store_data(N_CUSTOMERS, out_dir, random_state=7)
    return out_dir


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synthetic.SyntheticSummary]:
    out_dir = tmp_path_factory.mktemp("dirty")
    summary = generate_store_data(N_CUSTOMERS, out_dir, random_state=7, dirt=True)
    return out_dir, summary


@pytest.fixture(scope="module")
def synthetic_wide(clean_dir: Path) -> pd.DataFrame:
    return _wide(clean_dir)


# --- Layout ---


@pytest.mark.parametrize("file", FILES)
def test_layout_header_matches_real(clean_dir: Path, file: str) -> None:
    real_header = (REAL_DIR / file).read_bytes().split(b"\r\n", 1)[0]
    synthetic_header = (clean_dir / file).read_bytes().split(b"\r\n", 1)[0]
    assert synthetic_header == real_header


@pytest.mark.parametrize("file", FILES)
def test_layout_crlf_utf8_without_bom(clean_dir: Path, file: str) -> None:
    content = (clean_dir / file).read_bytes()
    assert not content.startswith(b"\xef\xbb\xbf")
    content.decode("utf-8")
    assert content.endswith(b"\r\n")
    assert content.count(b"\n") == content.count(b"\r\n")


@pytest.mark.parametrize(
    ("file", "rows_per_customer"),
    [("market_file.csv", 1), ("market_money.csv", 3), ("market_time.csv", 2), ("money.csv", 1)],
)
def test_layout_row_count(clean_dir: Path, file: str, rows_per_customer: int) -> None:
    assert len(_read(clean_dir, file)) == N_CUSTOMERS * rows_per_customer


@pytest.mark.parametrize(
    ("file", "periods"),
    [("market_money.csv", REVENUE_PERIODS), ("market_time.csv", MINUTES_PERIODS)],
)
def test_layout_each_period_once(clean_dir: Path, file: str, periods: tuple[str, ...]) -> None:
    table = _read(clean_dir, file)
    per_customer = table.groupby("id")["Период"].agg(lambda values: tuple(sorted(values)))
    assert set(per_customer) == {tuple(sorted(periods))}


def test_layout_ids_unique_and_shared(clean_dir: Path) -> None:
    market_ids = _read(clean_dir, "market_file.csv")["id"]
    assert market_ids.is_unique
    assert pd.api.types.is_integer_dtype(market_ids)
    for file in FILES[1:]:
        assert set(_read(clean_dir, file)["id"]) == set(market_ids), file


def test_layout_money_decimal_comma(clean_dir: Path) -> None:
    lines = (clean_dir / "money.csv").read_text(encoding="utf-8").splitlines()[1:]
    profits = [line.split(";")[1] for line in lines]
    assert not any("." in value for value in profits)
    assert any("," in value for value in profits)


@pytest.mark.parametrize(
    "column",
    ["Маркет_актив_тек_мес", "Длительность", "Средний_просмотр_категорий_за_визит", "Страниц_за_визит"],
)
def test_layout_integer_columns_stay_integer(clean_dir: Path, column: str) -> None:
    assert pd.api.types.is_integer_dtype(_read(clean_dir, "market_file.csv")[column])


def test_layout_without_target(tmp_path: Path) -> None:
    summary = generate_store_data(200, tmp_path, random_state=1, with_target=False)
    columns = list(_read(tmp_path, "market_file.csv").columns)
    real_columns = list(_read(REAL_DIR, "market_file.csv").columns)
    assert not summary.with_target
    assert columns == [column for column in real_columns if column != TARGET]


def test_layout_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synthetic, "CHUNK_CUSTOMERS", 300)
    summary = generate_store_data(1000, tmp_path, random_state=2, dirt=True)
    market = _read(tmp_path, "market_file.csv")
    money = _read(tmp_path, "market_money.csv")
    assert len(market) == 1000
    assert market["id"].is_unique
    assert (market["id"].diff().dropna() == 1).all()
    assert len(money) == 3000
    assert len(summary.dirt.zero_revenue_ids) == 2
    assert len(summary.dirt.extreme_revenue_ids) == 1


# --- Determinism ---


@pytest.mark.parametrize("dirt", [False, True])
def test_generate_same_seed_same_bytes(tmp_path: Path, dirt: bool) -> None:
    generate_store_data(300, tmp_path / "a", random_state=5, dirt=dirt)
    generate_store_data(300, tmp_path / "b", random_state=5, dirt=dirt)
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


@pytest.mark.parametrize("file", FILES)
def test_generate_other_seed_differs(tmp_path: Path, file: str) -> None:
    generate_store_data(300, tmp_path / "a", random_state=5)
    generate_store_data(300, tmp_path / "b", random_state=6)
    assert (tmp_path / "a" / file).read_bytes() != (tmp_path / "b" / file).read_bytes()


# --- Realism ---


@pytest.mark.parametrize(
    "column",
    [
        "Акционные_покупки",
        "Страниц_за_визит",
        "Маркет_актив_6_мес",
        "Неоплаченные_продукты_штук_квартал",
        "Длительность",
        "Выручка|препредыдущий_месяц",
        "Выручка|текущий_месяц",
        "минут|предыдущий_месяц",
        "Прибыль",
    ],
)
@pytest.mark.parametrize("label", [config.POSITIVE_LABEL, config.NEGATIVE_LABEL])
def test_realism_class_mean(real_wide: pd.DataFrame, synthetic_wide: pd.DataFrame, column: str, label: str) -> None:
    # A tolerance of 0.15 real standard deviations is over 4 standard errors of
    # the synthetic mean at 2000 customers, yet far below the gap between the
    # classes' means of the columns that separate them.
    real_mean = real_wide.loc[real_wide[TARGET] == label, column].mean()
    synthetic_mean = synthetic_wide.loc[synthetic_wide[TARGET] == label, column].mean()
    assert abs(synthetic_mean - real_mean) <= 0.15 * real_wide[column].std()


def test_realism_class_share(synthetic_wide: pd.DataFrame) -> None:
    real_share = (_read(REAL_DIR, "market_file.csv")[TARGET] == DECLINED).mean()
    assert abs((synthetic_wide[TARGET] == DECLINED).mean() - real_share) <= 0.01


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Страниц_за_визит", "Акционные_покупки"),
        ("Выручка|предыдущий_месяц", "Выручка|текущий_месяц"),
        ("Страниц_за_визит", "минут|предыдущий_месяц"),
        ("Маркет_актив_6_мес", "Выручка|препредыдущий_месяц"),
    ],
)
def test_realism_rank_correlation(
    real_wide: pd.DataFrame, synthetic_wide: pd.DataFrame, first: str, second: str
) -> None:
    real = real_wide[first].corr(real_wide[second], method="spearman")
    generated = synthetic_wide[first].corr(synthetic_wide[second], method="spearman")
    assert np.sign(generated) == np.sign(real)
    assert abs(generated - real) <= 0.1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Тип сервиса", "премиум"),
        ("Разрешить сообщать", "да"),
        ("Популярная_категория", "Мелкая бытовая техника и электроника"),
        ("Популярная_категория", "Товары для детей"),
    ],
)
@pytest.mark.parametrize("label", [config.POSITIVE_LABEL, config.NEGATIVE_LABEL])
def test_realism_label_share_per_class(
    real_wide: pd.DataFrame, synthetic_wide: pd.DataFrame, column: str, value: str, label: str
) -> None:
    real = real_wide.loc[real_wide[TARGET] == label, column].replace({"стандартт": "стандарт"})
    generated = synthetic_wide.loc[synthetic_wide[TARGET] == label, column]
    assert abs((generated == value).mean() - (real == value).mean()) <= 0.05


def test_realism_label_follows_numeric_column(real_wide: pd.DataFrame, synthetic_wide: pd.DataFrame) -> None:
    # In the real data premium customers have been registered about 170 days
    # longer; labels drawn from class frequencies alone would lose that gap.
    def gap(wide: pd.DataFrame) -> float:
        by_type = wide.groupby(wide["Тип сервиса"].replace({"стандартт": "стандарт"}))["Длительность"].mean()
        return by_type["премиум"] - by_type["стандарт"]

    assert gap(synthetic_wide) >= 0.5 * gap(real_wide)


@pytest.mark.parametrize(
    "column",
    ["Маркет_актив_6_мес", "Маркет_актив_тек_мес", "Акционные_покупки", "Ошибка_сервиса", "минут|текущий_месяц"],
)
def test_realism_discrete_values_observed(real_wide: pd.DataFrame, synthetic_wide: pd.DataFrame, column: str) -> None:
    assert set(synthetic_wide[column]) <= set(real_wide[column])


@pytest.mark.parametrize("column", ["Длительность", "Выручка|текущий_месяц", "Прибыль"])
def test_realism_continuous_values_in_range(
    real_wide: pd.DataFrame, synthetic_wide: pd.DataFrame, column: str
) -> None:
    assert synthetic_wide[column].min() >= real_wide[column].min()
    assert synthetic_wide[column].max() <= real_wide[column].max()


# --- Dirt ---


@pytest.mark.parametrize(
    ("file", "column", "labels"),
    [("market_file.csv", column, labels) for column, labels in CLEAN_LABELS.items()]
    + [("market_money.csv", "Период", set(REVENUE_PERIODS)), ("market_time.csv", "Период", set(MINUTES_PERIODS))],
)
def test_clean_labels_are_correct(clean_dir: Path, file: str, column: str, labels: set[str]) -> None:
    assert set(_read(clean_dir, file)[column]) == labels


def test_clean_revenue_positive_and_moderate(synthetic_wide: pd.DataFrame) -> None:
    revenue = synthetic_wide.filter(like="Выручка|")
    assert (revenue > 0).all().all()
    assert revenue.max().max() < 20_000


@pytest.mark.parametrize(
    ("file", "column", "typo"),
    [
        ("market_file.csv", "Тип сервиса", "стандартт"),
        ("market_file.csv", "Популярная_категория", "Косметика и аксесуары"),
        ("market_time.csv", "Период", "предыдцщий_месяц"),
    ],
)
def test_dirt_writes_typo(dirty: tuple[Path, synthetic.SyntheticSummary], file: str, column: str, typo: str) -> None:
    out_dir, _ = dirty
    count = (_read(out_dir, file)[column] == typo).sum()
    assert count >= 1
    assert count <= 0.05 * N_CUSTOMERS


@pytest.mark.parametrize("column", list(CLEAN_LABELS))
def test_dirt_writes_case_and_space_variants(dirty: tuple[Path, synthetic.SyntheticSummary], column: str) -> None:
    out_dir, _ = dirty
    values = _read(out_dir, "market_file.csv")[column]
    known = CLEAN_LABELS[column] | {"стандартт", "Косметика и аксесуары"}
    variants = values[~values.isin(known)]
    assert len(variants) >= 1
    normalised = {" ".join(value.split()).casefold() for value in variants}
    assert normalised <= {label.casefold() for label in CLEAN_LABELS[column]}


def test_dirt_extreme_revenue(dirty: tuple[Path, synthetic.SyntheticSummary]) -> None:
    out_dir, summary = dirty
    wide = _wide(out_dir)
    current = wide["Выручка|текущий_месяц"]
    assert len(summary.dirt.extreme_revenue_ids) == 2
    assert (current.loc[list(summary.dirt.extreme_revenue_ids)] > 10 * current.median()).all()
    assert set(current.index[current > 5 * current.median()]) == set(summary.dirt.extreme_revenue_ids)


def test_dirt_zero_revenue_months(dirty: tuple[Path, synthetic.SyntheticSummary]) -> None:
    out_dir, summary = dirty
    revenue = _wide(out_dir).filter(like="Выручка|")
    zero_ids = set(revenue.index[(revenue == 0).any(axis=1)])
    assert zero_ids == set(summary.dirt.zero_revenue_ids)
    assert len(zero_ids) == round(3 / 1300 * N_CUSTOMERS)
    assert (revenue.loc[list(zero_ids), "Выручка|текущий_месяц"] > 0).all()


def test_dirt_keeps_class_share(dirty: tuple[Path, synthetic.SyntheticSummary], synthetic_wide: pd.DataFrame) -> None:
    out_dir, summary = dirty
    target = _read(out_dir, "market_file.csv")[TARGET]
    assert set(target) == {config.POSITIVE_LABEL, config.NEGATIVE_LABEL}
    assert (target == DECLINED).sum() == summary.n_declined == (synthetic_wide[TARGET] == DECLINED).sum()


def test_fit_dirty_reference_gives_clean_data(dirty: tuple[Path, synthetic.SyntheticSummary], tmp_path: Path) -> None:
    reference_dir, _ = dirty
    generate_store_data(500, tmp_path, random_state=4, reference_dir=reference_dir)
    market = _read(tmp_path, "market_file.csv")
    revenue = _wide(tmp_path).filter(like="Выручка|")
    for column, labels in CLEAN_LABELS.items():
        assert set(market[column]) <= labels, column
    assert (revenue > 0).all().all()
    assert revenue.max().max() < 20_000


@pytest.mark.parametrize(("encoding", "newline"), [("cp1251", "\n"), ("utf-8-sig", "\r\n")])
def test_fit_reference_in_other_format(tmp_path: Path, encoding: str, newline: str) -> None:
    reference_dir = tmp_path / "reference"
    reference_dir.mkdir()
    for file in FILES:
        text = (REAL_DIR / file).read_text(encoding="utf-8").replace("\r\n", "\n")
        with (reference_dir / file).open("w", encoding=encoding, newline=newline) as handle:
            handle.write(text)
    generate_store_data(300, tmp_path / "out", random_state=4, reference_dir=reference_dir)
    for file in FILES:
        assert (tmp_path / "out" / file).read_bytes() == _bytes_from_real_reference(tmp_path, file)


def _bytes_from_real_reference(tmp_path: Path, file: str) -> bytes:
    out_dir = tmp_path / "from_real"
    if not out_dir.exists():
        generate_store_data(300, out_dir, random_state=4)
    return (out_dir / file).read_bytes()


# --- Project validation ---


def _load_quietly(directory: Path, **options: bool):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = load_dataset(directory, **options)
    return dataset, [str(warning.message) for warning in caught]


def test_load_dataset_clean_without_exclusions(clean_dir: Path) -> None:
    dataset, caught = _load_quietly(clean_dir)
    assert caught == []
    assert dataset.excluded.empty
    assert dataset.quality_log.empty
    assert len(dataset.features) == N_CUSTOMERS


def test_load_dataset_dirty_excludes_zero_revenue(dirty: tuple[Path, synthetic.SyntheticSummary]) -> None:
    out_dir, summary = dirty
    dataset, _ = _load_quietly(out_dir)
    assert set(dataset.excluded["id"]) == set(summary.dirt.zero_revenue_ids)
    assert len(dataset.features) == N_CUSTOMERS - len(summary.dirt.zero_revenue_ids)
    for column, labels in CLEAN_LABELS.items():
        assert set(dataset.customers[column]) == labels, column


def test_load_dataset_without_target(tmp_path: Path) -> None:
    generate_store_data(300, tmp_path, random_state=3, with_target=False)
    dataset, _ = _load_quietly(tmp_path, require_target=False)
    assert dataset.target is None
    assert dataset.excluded.empty
    assert len(dataset.features) == 300


# --- Errors and command line ---


@pytest.mark.parametrize("n_customers", [0, -5])
def test_generate_rejects_no_customers(tmp_path: Path, n_customers: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_store_data(n_customers, tmp_path)


def test_generate_missing_reference_file(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="Не найден эталонный файл"):
        generate_store_data(10, tmp_path / "out", reference_dir=tmp_path / "nowhere")


def test_generate_single_customer(tmp_path: Path) -> None:
    summary = generate_store_data(1, tmp_path, dirt=True)
    assert len(_read(tmp_path, "market_money.csv")) == 3
    assert summary.n_customers == 1


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], "клиентов — 50,"),
        (["--dirt"], "загрязнение: опечаток"),
        (["--no-target"], "без целевого столбца"),
    ],
)
def test_cli_prints_russian_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    exit_code = synthetic.main(["--n", "50", "--out", str(tmp_path), *options])
    output = capsys.readouterr().out
    assert exit_code == 0
    assert expected in output
    assert output.count("\n") == 1


@pytest.mark.parametrize("value", ["0", "abc"])
def test_cli_rejects_invalid_count(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        synthetic.main(["--n", value, "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "нужно" in capsys.readouterr().err
