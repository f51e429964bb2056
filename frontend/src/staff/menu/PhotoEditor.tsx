// A product's photo: the current picture, a file picked and previewed before it is sent, sending
// it as its bytes, and removing the picture.
import { useId, useState, type ChangeEvent } from "react";
import type { StaffProduct as Product } from "../../api/types";
import { useI18n } from "../../i18n";
import { FormError } from "../../ui/FormError";
import { useSubmit } from "../../ui/useSubmit";
import { removePhoto, uploadPhoto } from "./menuApi";

const ACCEPTED = ["image/jpeg", "image/png", "image/webp"];
const MAX_BYTES = 2 * 1024 * 1024;

export function PhotoEditor({ product, onChanged }: { product: Product; onChanged: (p: Product) => void }) {
  const { t } = useI18n();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [tooBig, setTooBig] = useState(false);
  const { busy, problem, submit } = useSubmit();

  const pick = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    setFile(null);
    setPreview(null);
    setTooBig(false);
    if (!chosen) return;
    if (chosen.size > MAX_BYTES) {
      setTooBig(true);
      return;
    }
    setFile(chosen);
    // A data: URL, which the SPA's Content-Security-Policy allows for images (blob: it does not).
    const reader = new FileReader();
    reader.onload = () => setPreview(typeof reader.result === "string" ? reader.result : null);
    reader.readAsDataURL(chosen);
  };

  const send = async () => {
    if (!file) return;
    const next = await submit(() => uploadPhoto(product.id, file));
    if (next) {
      onChanged(next);
      setFile(null);
      setPreview(null);
    }
  };

  const remove = async () => {
    const done = await submit(async () => {
      await removePhoto(product.id);
      return true;
    });
    if (done) onChanged({ ...product, image_url: null, menu_image_url: null });
  };

  const shown = preview ?? product.menu_image_url;
  return (
    <section className="photo-editor" aria-label={t("menuEditor.photo")}>
      <h3>{t("menuEditor.photo")}</h3>
      {shown ? (
        <img
          className="photo-editor__preview"
          src={shown}
          alt={preview ? t("menuEditor.previewAlt", { name: product.name }) : t("menu.imageAlt", { name: product.name })}
          width={240}
          height={180}
        />
      ) : (
        <p>{t("menuEditor.noPhoto")}</p>
      )}
      <FormError problem={problem} />
      {tooBig && (
        <p className="form-error" role="alert">
          {t("menuEditor.tooBig")}
        </p>
      )}
      <div className="photo-editor__actions">
        <label htmlFor={inputId}>{t("menuEditor.choosePhoto")}</label>
        <input id={inputId} type="file" accept={ACCEPTED.join(",")} onChange={pick} />
        <button type="button" className="button button--primary button--small" disabled={!file || busy} onClick={() => void send()}>
          {t("menuEditor.sendPhoto")}
        </button>
        {product.image_url && (
          <button type="button" className="button button--small" disabled={busy} onClick={() => void remove()}>
            {t("menuEditor.removePhoto")}
          </button>
        )}
      </div>
    </section>
  );
}
