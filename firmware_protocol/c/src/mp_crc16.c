/* mp_crc16.c - bitwise CRC-16/CCITT-FALSE; frames are short, so no 512-byte table is spent. */
#include "mp_crc16.h"

uint16_t mp_crc16_update(uint16_t crc, const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        int bit;
        crc ^= (uint16_t)((uint16_t)data[i] << 8);
        for (bit = 0; bit < 8; bit++) {
            if ((crc & 0x8000u) != 0u) {
                crc = (uint16_t)((crc << 1) ^ 0x1021u);
            } else {
                crc = (uint16_t)(crc << 1);
            }
        }
    }
    return crc;
}

uint16_t mp_crc16(const uint8_t *data, size_t len)
{
    return mp_crc16_update(MP_CRC16_INIT, data, len);
}
