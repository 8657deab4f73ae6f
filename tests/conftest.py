# --- Fixtures of the data layer: a small valid data folder to corrupt per test. ---

from pathlib import Path as _RawPath

import pandas as _raw_pd
import pytest as _raw_pytest

_RAW_IDS = (1001, 1002, 1003, 1004, 1005, 1006)


def _raw_build_tables() -> dict[str, _raw_pd.DataFrame]:
    """Build the four tables of six valid customers, rows in id order."""
    market = _raw_pd.DataFrame(
        {
            "id": _RAW_IDS,
            "Покупательская активность": ["Снизилась", "Прежний уровень"] * 3,
            "Тип сервиса": ["стандарт", "премиум", "стандарт", "стандарт", "премиум", "стандарт"],
            "Разрешить сообщать": ["да", "нет", "да", "да", "нет", "да"],
            "Маркет_актив_6_мес": [3.4, 4.4, 4.9, 3.2, 5.1, 4.0],
            "Маркет_актив_тек_мес": [5, 4, 3, 4, 5, 3],
            "Длительность": [121, 819, 539, 896, 1064, 762],
            "Акционные_покупки": [0.0, 0.75, 0.14, 0.99, 0.94, 0.26],
            "Популярная_категория": [
                "Товары для детей",
                "Домашний текстиль",
                "Косметика и аксессуары",
                "Кухонная посуда",
                "Техника для красоты и здоровья",
                "Мелкая бытовая техника и электроника",
            ],
            "Средний_просмотр_категорий_за_визит": [6, 4, 5, 5, 3, 4],
            "Неоплаченные_продукты_штук_квартал": [2, 4, 2, 0, 2, 1],
            "Ошибка_сервиса": [1, 2, 1, 6, 3, 1],
            "Страниц_за_визит": [5, 5, 5, 4, 2, 4],
        }
    )
    periods = ("препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц")
    money = _raw_pd.DataFrame(
        [
            {"id": customer, "Период": period, "Выручка": 4000.0 + 100 * number + 10 * month}
            for number, customer in enumerate(_RAW_IDS)
            for month, period in enumerate(periods)
        ]
    )
    time = _raw_pd.DataFrame(
        [
            {"id": customer, "Период": period, "минут": 10 + number + month}
            for number, customer in enumerate(_RAW_IDS)
            for month, period in enumerate(periods[1:])
        ]
    )
    profit = _raw_pd.DataFrame({"id": _RAW_IDS, "Прибыль": [0.98, 4.16, 3.13, 4.87, 4.21, 3.95]})
    return {"market_file.csv": market, "market_money.csv": money, "market_time.csv": time, "money.csv": profit}


def _raw_write_tables(directory: _RawPath, tables: dict[str, _raw_pd.DataFrame]) -> _RawPath:
    """Write tables as UTF-8, comma-separated, LF files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for file, frame in tables.items():
        frame.to_csv(directory / file, index=False, lineterminator="\n")
    return directory


@_raw_pytest.fixture
def raw_tables() -> dict[str, _raw_pd.DataFrame]:
    """Fresh tables of six valid customers, ids 1001 to 1006, to change before writing."""
    return _raw_build_tables()


@_raw_pytest.fixture
def raw_write():
    """The function ``(directory, tables) -> directory`` that writes tables as CSV files."""
    return _raw_write_tables


@_raw_pytest.fixture
def raw_data_dir(tmp_path: _RawPath) -> _RawPath:
    """A folder with the four valid files of six customers (see the ``raw_tables`` fixture)."""
    return _raw_write_tables(tmp_path / "data", _raw_build_tables())


# --- End of the data-layer fixtures. ---


# --- headless Chromium, shared by every browser test --------------------------------------


@_raw_pytest.fixture(scope="session")
def browser():
    """One Chromium for the session: Playwright's sync API allows one running instance per thread."""
    from browser import CHROMIUM, CHROMIUM_ARGS

    playwright_api = _raw_pytest.importorskip("playwright.sync_api")
    if not _RawPath(CHROMIUM).exists():
        _raw_pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
