"""Project-wide constants: default folders, the random seed and the target labels."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_OUT_DIR = PROJECT_ROOT / "output"
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache"

# Environment variables that `make report DATA=...` sets for the chapters' kernels.
DATA_DIR_ENV = "ANALYSIS_DATA"
OUT_DIR_ENV = "ANALYSIS_OUT"
CACHE_DIR_ENV = "ANALYSIS_CACHE"

RANDOM_STATE = 42

TARGET_COLUMN = "Покупательская активность"
POSITIVE_LABEL = "Снизилась"
NEGATIVE_LABEL = "Прежний уровень"
ID_COLUMN = "id"
PROFIT_COLUMN = "Прибыль"

DATA_FILES = ("market_file.csv", "market_money.csv", "market_time.csv", "money.csv")

# Probability of decline from which a customer gets offers: the lower edge of
# the «средний» risk band. The model's confusion matrix is reported here too.
OPERATING_THRESHOLD = 0.3
