import { onMounted, onUnmounted, ref } from 'vue';

/** The current time, re-read every `intervalMs` while the component is mounted. */
export function useNow(intervalMs = 1000) {
  const nowMs = ref(Date.now());
  let timer;
  onMounted(() => (timer = setInterval(() => (nowMs.value = Date.now()), intervalMs)));
  onUnmounted(() => clearInterval(timer));
  return nowMs;
}
