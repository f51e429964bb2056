// The week's opening hours of a shop, day by day: several ranges a day (lunch, dinner), a day
// without any is closed; one day's ranges can be copied to the whole week.
import { useId } from "react";
import { useI18n } from "../../i18n";
import { weekdayName } from "../../i18n/format";
import { addRange, copyToAllDays, rangeKey, removeRange, setRange, WEEKDAYS, type WeekDraft } from "./shopForm";

export function HoursEditor({ week, errors, onChange }: { week: WeekDraft; errors: Record<string, string>; onChange: (week: WeekDraft) => void }) {
  const { t, intlLocale } = useI18n();
  const id = useId();
  return (
    <fieldset className="shop-editor__part hours-editor">
      <legend>
        <h2 className="shop-editor__legend">{t("adminShops.hours")}</h2>
      </legend>
      <p className="field__hint">{t("adminShops.hoursHint")}</p>
      {errors.hours && <p className="field__error">{errors.hours}</p>}
      {WEEKDAYS.map((weekday) => {
        const day = week[weekday - 1] ?? [];
        const name = weekdayName(weekday, intlLocale);
        const dayId = `${id}-day-${weekday}`;
        return (
          <div key={weekday} className="hours-editor__day" role="group" aria-labelledby={dayId}>
            <h3 id={dayId} className="hours-editor__name">
              {name}
            </h3>
            <div className="hours-editor__ranges">
              {day.length === 0 && <p className="muted small">{t("shops.closed")}</p>}
              {day.map((range, index) => (
                <div key={index} className="hours-editor__range">
                  <TimeInput
                    label={t("adminShops.opens")}
                    value={range.opens_at}
                    error={errors[rangeKey(weekday, index, "opens_at")] ?? errors[rangeKey(weekday, index, "weekday")]}
                    onChange={(opens_at) => onChange(setRange(week, weekday, index, { opens_at }))}
                  />
                  <TimeInput
                    label={t("adminShops.closes")}
                    value={range.closes_at}
                    error={errors[rangeKey(weekday, index, "closes_at")]}
                    onChange={(closes_at) => onChange(setRange(week, weekday, index, { closes_at }))}
                  />
                  <button
                    type="button"
                    className="button button--small button--ghost hours-editor__remove"
                    aria-label={t("adminShops.removeRange", { day: name, n: index + 1 })}
                    onClick={() => onChange(removeRange(week, weekday, index))}
                  >
                    ✕
                  </button>
                </div>
              ))}
            </div>
            <div className="hours-editor__actions">
              <button type="button" className="button button--small" onClick={() => onChange(addRange(week, weekday))}>
                {t("adminShops.addRange")}
                <span className="visually-hidden"> ({name})</span>
              </button>
              {day.length > 0 && (
                <button type="button" className="button button--small button--ghost" onClick={() => onChange(copyToAllDays(week, weekday))}>
                  {t("adminShops.copyToAll")}
                  <span className="visually-hidden"> ({name})</span>
                </button>
              )}
            </div>
          </div>
        );
      })}
    </fieldset>
  );
}

function TimeInput({ label, value, error, onChange }: { label: string; value: string; error: string | undefined; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className={`field field--time${error ? " field--invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="time" value={value} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)} />
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
