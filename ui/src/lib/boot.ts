// What every window does first: speak the person's language, and follow
// when they choose another.
import { appSettings, onLanguageChanged } from "./api";
import { setLanguage } from "./i18n.svelte";

export async function followLanguage(): Promise<() => void> {
  const unlisten = await onLanguageChanged((language) => setLanguage(language));
  try {
    setLanguage((await appSettings()).language);
  } catch {
    // The window explains what is wrong; English meanwhile.
  }
  return unlisten;
}
