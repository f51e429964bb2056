// The shop's team (/staff/team, managers and admins): the members by name, adding one (with a
// password, or a link mailed to choose it), changing a role, deactivating (their sessions end at
// once) or reactivating. A manager gives the roles below theirs; an admin any.
import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { NewStaffRequest, Role, StaffMember } from "../../api/types";
import { useResource } from "../../api/useResource";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { fieldMessages } from "../../ui/problemText";
import { useToast } from "../../ui/Toast";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useSubmit } from "../../ui/useSubmit";
import { useStaff } from "../StaffContext";
import "../stock/stock.css";

const BELOW_MANAGER: readonly Role[] = ["order_taker", "pizzaiolo", "delivery"];
const ALL_STAFF: readonly Role[] = [...BELOW_MANAGER, "manager"];

async function fetchTeam(shopId: string, signal?: AbortSignal) {
  const page = await call(api.GET("/api/v1/staff", { params: { query: { shop_id: shopId, limit: 100 } }, signal }));
  return page.items;
}

export default function TeamPage() {
  const { t } = useI18n();
  useDocumentTitle(t("team.title"));
  const { shop, role, user } = useStaff();
  const team = useResource(`team:${shop.id}`, (signal) => fetchTeam(shop.id, signal));
  const roles = role === "admin" ? ALL_STAFF : BELOW_MANAGER;
  if (team.status === "loading") return <Loading />;
  if (team.status === "error") return <ErrorPanel problem={team.problem} onRetry={team.retry} />;
  const put = (m: StaffMember) =>
    team.replace(team.data.some((o) => o.id === m.id) ? team.data.map((o) => (o.id === m.id ? m : o)) : [...team.data, m].sort((a, b) => a.full_name.localeCompare(b.full_name)));
  return (
    <div className="stock">
      <div className="stock__head">
        <h1>
          {t("team.title")} · {shop.name}
        </h1>
      </div>
      <AddMember shopId={shop.id} roles={roles} onAdded={put} />
      <ul className="stock__lines" aria-label={t("team.members")}>
        {team.data.map((m) => (
          <MemberRow key={m.id} member={m} roles={roles} mine={m.id === user.id} mayChange={roles.includes(m.role) && m.id !== user.id} onChanged={put} />
        ))}
      </ul>
    </div>
  );
}

function AddMember({ shopId, roles, onAdded }: { shopId: string; roles: readonly Role[]; onAdded: (m: StaffMember) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const { busy, problem, submit } = useSubmit();
  const empty = { email: "", full_name: "", role: "pizzaiolo" as Role, password: "" };
  const [draft, setDraft] = useState(empty);
  const fields = fieldMessages(t, problem);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    const body: NewStaffRequest = { email: draft.email, full_name: draft.full_name, role: draft.role, shop_id: shopId, password: draft.password || null };
    const added = await submit(() => call(api.POST("/api/v1/staff", { body })));
    if (added) {
      toast(t("team.added", { name: added.full_name }));
      onAdded(added);
      setDraft(empty);
    }
  };
  return (
    <details className="panel">
      <summary>
        <strong>{t("team.add")}</strong>
      </summary>
      <form className="stock-line__form" onSubmit={send} noValidate>
        <Field label={t("team.fullName")} value={draft.full_name} autoComplete="off" onChange={(e) => setDraft({ ...draft, full_name: e.target.value })} error={fields.full_name} />
        <Field label={t("team.email")} type="email" value={draft.email} autoComplete="off" onChange={(e) => setDraft({ ...draft, email: e.target.value })} error={fields.email} />
        <div className="field">
          <label htmlFor="new-member-role">{t("team.role")}</label>
          <select id="new-member-role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`staff.role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <Field
          label={t("team.password")}
          type="password"
          autoComplete="new-password"
          value={draft.password}
          hint={t("team.passwordHint")}
          onChange={(e) => setDraft({ ...draft, password: e.target.value })}
          error={fields.password}
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t("common.pleaseWait") : t("team.submitAdd")}
        </button>
        <FormError problem={problem} overrides={{ 409: "field.email.taken" }} />
      </form>
    </details>
  );
}

function MemberRow({
  member,
  roles,
  mine,
  mayChange,
  onChanged,
}: {
  member: StaffMember;
  roles: readonly Role[];
  mine: boolean;
  mayChange: boolean;
  onChanged: (m: StaffMember) => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const { busy, problem, submit } = useSubmit();
  const [role, setRole] = useState<Role>(member.role);
  const roleField = `role-${member.id}`;
  const change = async (body: { role?: Role; active?: boolean }, said: string) => {
    const changed = await submit(() => call(api.PATCH("/api/v1/staff/{user_id}", { params: { path: { user_id: member.id } }, body })));
    if (changed) {
      toast(said);
      onChanged(changed);
    }
  };
  const deactivate = () => {
    if (window.confirm(t("team.confirmDeactivate", { name: member.full_name })))
      void change({ active: false }, t("team.deactivated", { name: member.full_name }));
  };
  return (
    <li className={`stock-line${member.active ? "" : " stock-line--off"}`}>
      <div className="stock-line__main">
        <h2 className="stock-line__name">
          {member.full_name}
          {mine && ` (${t("team.you")})`}
        </h2>
        <p className="stock-line__qty">
          <span>{t(`staff.role.${member.role}`)}</span>
          <span className="stock-line__threshold">{member.email}</span>
          {!member.active && <span className="badge badge--muted">{t("team.inactive")}</span>}
        </p>
      </div>
      {mayChange && (
        <div className="stock-line__form">
          <div className="field">
            <label htmlFor={roleField}>{t("team.changeRole", { name: member.full_name })}</label>
            <select id={roleField} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`staff.role.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="button" className="button" disabled={busy || role === member.role} onClick={() => void change({ role }, t("team.roleChanged", { name: member.full_name }))}>
            {t("team.saveRole")}
          </button>
          {member.active ? (
            <button type="button" className="button button--danger" disabled={busy} onClick={deactivate}>
              {t("team.deactivate")}
              <span className="visually-hidden"> {member.full_name}</span>
            </button>
          ) : (
            <button type="button" className="button" disabled={busy} onClick={() => void change({ active: true }, t("team.reactivated", { name: member.full_name }))}>
              {t("team.reactivate")}
              <span className="visually-hidden"> {member.full_name}</span>
            </button>
          )}
          <FormError problem={problem} />
        </div>
      )}
    </li>
  );
}
