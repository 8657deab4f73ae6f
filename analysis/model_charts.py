"""Charts and tables of the model chapter, with Russian titles and number formats."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from great_tables import GT

from analysis import config

CHOSEN_COLORS = alt.Scale(domain=["выбран", "не выбран"], range=["#c0392b", "#7f8c8d"])


def candidate_results_table(candidates: pd.DataFrame) -> GT:
    """Table of every candidate's outer-fold ROC-AUC with its spread and how often it was chosen.

    ``candidates`` is :attr:`analysis.modelling.ModelResult.candidates`.
    """
    table = pd.DataFrame(
        {
            "Модель": candidates["label"],
            "ROC-AUC, среднее": candidates["roc_auc_mean"],
            "Стандартное отклонение": candidates["roc_auc_std"],
            "Минимум": candidates["roc_auc_min"],
            "Максимум": candidates["roc_auc_max"],
            "Выбрана, свёрток": candidates["times_chosen"].astype(str) + " из " + candidates["n_folds"].astype(str),
            "ROC-AUC на всех клиентах": candidates["final_inner_roc_auc"],
        }
    ).sort_values("ROC-AUC, среднее", ascending=False)
    numbers = ["ROC-AUC, среднее", "Стандартное отклонение", "Минимум", "Максимум", "ROC-AUC на всех клиентах"]
    return GT(table).fmt_number(columns=numbers, decimals=3, locale="ru").tab_source_note(
        "ROC-AUC по внешним свёрткам — у кандидата с подобранными на внутренних свёртках "
        "гиперпараметрами, до калибровки. «На всех клиентах» — среднее по внутренним "
        "свёрткам подбора итоговой модели."
    )


def candidate_spread_chart(folds: pd.DataFrame) -> alt.Chart:
    """Dot plot of each candidate's ROC-AUC on every outer fold; dots of the chosen candidate are red.

    ``folds`` is :attr:`analysis.modelling.ModelResult.folds`.
    """
    frame = pd.DataFrame(
        {
            "Модель": folds["label"],
            "ROC-AUC": folds["outer_roc_auc"],
            "Выбор": folds["chosen"].map({True: "выбран", False: "не выбран"}),
            "Свёртка": "повтор " + folds["repeat"].astype(str) + ", свёртка " + folds["fold"].astype(str),
            # A fixed vertical spread so that equal scores stay visible and the page is the same on every render.
            "Сдвиг": np.random.default_rng(0).uniform(-0.8, 0.8, size=len(folds)),
        }
    )
    order = frame.groupby("Модель")["ROC-AUC"].mean().sort_values(ascending=False).index.tolist()
    points = (
        alt.Chart(frame)
        .mark_circle(size=70, opacity=0.8)
        .encode(
            x=alt.X("ROC-AUC:Q", scale=alt.Scale(zero=False), title="ROC-AUC на внешней свёртке"),
            y=alt.Y("Модель:N", sort=order, title=None),
            yOffset=alt.YOffset("Сдвиг:Q", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color("Выбор:N", scale=CHOSEN_COLORS, legend=alt.Legend(title="В этой свёртке", orient="top")),
            tooltip=["Модель", "Свёртка", "Выбор", alt.Tooltip("ROC-AUC:Q", format=".3f")],
        )
    )
    means = (
        alt.Chart(frame)
        .mark_tick(color="black", thickness=2, size=22)
        .encode(x="mean(ROC-AUC):Q", y=alt.Y("Модель:N", sort=order))
    )
    return (points + means).properties(
        width="container", height=260, title="ROC-AUC кандидатов по внешним свёрткам (черта — среднее)"
    )


def reliability_chart(reliability: pd.DataFrame) -> alt.LayerChart:
    """Reliability curve: observed share of declines against mean predicted probability per bin.

    ``reliability`` is :attr:`analysis.modelling.ModelResult.reliability`;
    the dashed diagonal is perfect calibration and dot area is the bin size.
    """
    frame = pd.DataFrame(
        {
            "Прогноз": reliability["mean_predicted"],
            "Факт": reliability["observed_rate"],
            "Прогнозов": reliability["count"],
        }
    )
    diagonal = (
        alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#7f8c8d")
        .encode(x="x:Q", y="y:Q")
    )
    axis_x = alt.X("Прогноз:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"),
                   title="средняя предсказанная вероятность снижения")
    axis_y = alt.Y("Факт:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"),
                   title="доля клиентов со снижением")
    line = alt.Chart(frame).mark_line(color="#c0392b").encode(x=axis_x, y=axis_y)
    dots = (
        alt.Chart(frame)
        .mark_circle(color="#c0392b", opacity=0.8)
        .encode(
            x=axis_x,
            y=axis_y,
            size=alt.Size("Прогнозов:Q", legend=alt.Legend(title="Прогнозов в интервале", orient="top")),
            tooltip=[
                alt.Tooltip("Прогноз:Q", format=".1%"),
                alt.Tooltip("Факт:Q", format=".1%"),
                alt.Tooltip("Прогнозов:Q", format=",d"),
            ],
        )
    )
    return (diagonal + line + dots).properties(
        width="container", height=320, title="Калибровка: прогноз против факта (вне выборки)"
    )


def confusion_table(confusion: pd.DataFrame, threshold: float) -> GT:
    """Table of the confusion matrix at ``threshold``, with Russian labels of the classes.

    ``confusion`` comes from :func:`analysis.calibration_metrics.confusion_at_threshold`.
    """
    labels = {0: config.NEGATIVE_LABEL, 1: config.POSITIVE_LABEL}
    table = pd.DataFrame(
        {
            "Фактически": [labels[actual] for actual in confusion.index],
            f"Прогноз: {labels[0]}": confusion[0].to_numpy(),
            f"Прогноз: {labels[1]}": confusion[1].to_numpy(),
        }
    )
    threshold_text = f"{threshold:.2f}".replace(".", ",")
    return (
        GT(table)
        .fmt_integer(columns=[f"Прогноз: {labels[0]}", f"Прогноз: {labels[1]}"], locale="ru")
        .tab_source_note(f"Порог {threshold_text}: снижение прогнозируется, если вероятность не ниже порога.")
    )


def baseline_comparison_table(metrics: dict[str, Any]) -> GT:
    """Table of the model's nested-CV metrics next to the prior baseline's."""
    rows = [
        ("ROC-AUC (больше — лучше)", "roc_auc"),
        ("PR-AUC (больше — лучше)", "pr_auc"),
        ("Оценка Брайера (меньше — лучше)", "brier"),
        ("Ошибка калибровки ECE (меньше — лучше)", "ece"),
    ]
    table = pd.DataFrame(
        {
            "Метрика": [label for label, _ in rows],
            "Модель": [metrics[key] for _, key in rows],
            "Базовая модель": [metrics[f"baseline_{key}"] for _, key in rows],
        }
    )
    return GT(table).fmt_number(columns=["Модель", "Базовая модель"], decimals=3, locale="ru").tab_source_note(
        "Базовая модель всем клиентам ставит долю снижения в обучающей части свёртки. "
        "Обе оценены на одних и тех же внешних свёртках."
    )
